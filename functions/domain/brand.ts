import { z } from 'zod';
import { aboutBlockSchema, pressContactSchema, socialLinkSchema } from './release';
import { safeUrl, singleLine } from './text-fields';

const hexColour = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'couleur hexadécimale attendue (#RRGGBB)');

export const brandSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{1,63}$/, 'identifiant en minuscules, chiffres et tirets'),
  name: singleLine(200),
  senderName: singleLine(120),
  senderEmail: z.email(),
  replyTo: z.email().optional(),
  logo: z.object({ url: safeUrl, alt: z.string().trim().min(1, 'texte alternatif obligatoire').max(300) }).optional(),
  colours: z.object({ primary: hexColour, accent: hexColour.optional(), text: hexColour.default('#1a1a1a') }),
  websiteUrl: safeUrl.optional(),
  postalAddress: z.string().trim().max(300).optional(),
  footer: z.string().trim().max(2_000).default(''),
  socialLinks: z.array(socialLinkSchema).default([]),
  boilerplate: z.array(aboutBlockSchema).default([]),
  pressContacts: z.array(pressContactSchema).default([]),
  /** Mentions légales: who publishes (name, address, publication director, host), on every public page. */
  legalNotice: z.string().trim().max(5_000).optional(),
  /**
   * What the GDPR (art. 13) requires where personal data is collected: the sign-up,
   * confirmation and preference pages show it.
   */
  privacyNotice: z
    .object({
      controller: z.string().trim().max(500).optional(),
      purpose: z.string().trim().max(1_000).optional(),
      lawfulBasis: z.string().trim().max(500).optional(),
      retention: z.string().trim().max(500).optional(),
      rights: z.string().trim().max(1_500).optional(),
      dpoContact: z.string().trim().max(300).optional(),
    })
    .optional(),
  /** With review on, nothing is scheduled or sent before a reviewer approves it. */
  review: z
    .object({ required: z.boolean().default(false), allowSelfApproval: z.boolean().default(false) })
    .default({ required: false, allowSelfApproval: false }),
});
export type Brand = z.infer<typeof brandSchema>;
export type BrandInput = z.input<typeof brandSchema>;

import { z } from 'zod';
import { safeUrl, singleLine } from './text-fields';

/** Local wall-clock time in the event's time zone, e.g. `2024-04-02T09:00`. */
const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/, 'date et heure locales attendues (AAAA-MM-JJTHH:mm)');
const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue (AAAA-MM-JJ)');

export const pressContactSchema = z.object({
  name: singleLine(120),
  role: z.string().trim().max(160).optional(),
  organisation: z.string().trim().max(200).optional(),
  email: z.string().trim().max(254).optional(),
  phone: z.string().trim().max(40).optional(),
});
export type PressContact = z.infer<typeof pressContactSchema>;

export const socialLinkSchema = z.object({ network: singleLine(40), label: singleLine(80), url: safeUrl });
export type SocialLink = z.infer<typeof socialLinkSchema>;

export const aboutBlockSchema = z.object({ title: singleLine(300), body: z.string().trim().min(1).max(20_000) });
export type AboutBlock = z.infer<typeof aboutBlockSchema>;

export const quoteSchema = z.object({
  text: z.string().trim().min(1).max(5_000),
  author: singleLine(120),
  role: z.string().trim().max(300).optional(),
  /** Index of the body paragraph the quote follows; absent = after the whole body. */
  afterParagraph: z.number().int().min(0).optional(),
});
export type Quote = z.infer<typeof quoteSchema>;

export const linkSchema = z.object({ label: singleLine(200), url: safeUrl });
export const imageSchema = z.object({
  url: safeUrl,
  alt: z.string({ error: 'texte alternatif obligatoire' }).trim().min(1, 'texte alternatif obligatoire').max(300),
  caption: z.string().trim().max(300).optional(),
  credit: z.string().trim().max(120).optional(),
});
export const attachmentSchema = z.object({
  label: singleLine(200),
  url: safeUrl,
  kind: z.enum(['photo', 'pdf', 'document', 'other']).default('other'),
});

export const eventSchema = z.object({
  name: singleLine(200),
  edition: z.string().trim().max(60).optional(),
  theme: z.string().trim().max(300).optional(),
  start: localDateTime,
  end: localDateTime.optional(),
  timeZone: z.string().default('Europe/Paris'),
  venue: z.object({
    name: singleLine(200),
    address: z.string().trim().max(300).optional(),
    mapUrl: safeUrl.optional(),
  }),
  programme: z
    .array(z.object({ time: z.string().trim().max(20).optional(), title: singleLine(300), speaker: z.string().trim().max(200).optional() }))
    .default([]),
  speakers: z.array(z.object({ name: singleLine(120), title: z.string().trim().max(300).optional() })).default([]),
  registrationUrl: safeUrl.optional(),
  organiserContacts: z
    .array(z.object({ organisation: singleLine(200), label: z.string().trim().max(60).optional(), email: z.string().trim().max(254) }))
    .default([]),
});
export type EventDetails = z.infer<typeof eventSchema>;

export const releaseKinds = ['press-release', 'event-announcement'] as const;
export const announcementTypes = ['save-the-date', 'invitation', 'reminder', 'day-of', 'thank-you'] as const;

/**
 * What an author writes. One schema for both kinds: an event announcement is a communiqué
 * plus its `event`. Versioned by `schemaVersion` so stored drafts can be migrated.
 */
export const releaseContentSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    kind: z.enum(releaseKinds).default('press-release'),
    announcementType: z.enum(announcementTypes).optional(),
    brandId: singleLine(64),
    coBrandIds: z.array(singleLine(64)).default([]),
    language: z.string().default('fr-FR'),
    dateline: z.object({ city: singleLine(80), date: isoDate }).optional(),
    title: singleLine(300),
    subtitle: z.string().trim().max(500).optional(),
    lead: z.string().trim().max(3_000).optional(),
    /** Markdown: paragraphs, lists, links, emphasis. */
    body: z.string().max(200_000).default(''),
    quotes: z.array(quoteSchema).default([]),
    about: z.array(aboutBlockSchema).default([]),
    pressContacts: z.array(pressContactSchema).default([]),
    socialLinks: z.array(socialLinkSchema).default([]),
    links: z.array(linkSchema).default([]),
    images: z.array(imageSchema).default([]),
    attachments: z.array(attachmentSchema).default([]),
    /** ISO instant with offset; before it the release is under embargo. */
    embargoUntil: z.iso.datetime({ offset: true }).optional(),
    event: eventSchema.optional(),
  })
  .refine((c) => c.kind !== 'event-announcement' || c.event !== undefined, {
    message: 'une annonce d’événement doit décrire son événement',
    path: ['event'],
  });
export type ReleaseContent = z.infer<typeof releaseContentSchema>;
export type ReleaseContentInput = z.input<typeof releaseContentSchema>;

/** `in_review` and `approved` only matter for brands with review on; `sent` is final. */
export const releaseStatuses = ['draft', 'in_review', 'approved', 'sent'] as const;
export type ReleaseStatus = (typeof releaseStatuses)[number];

export interface ReviewState {
  readonly submittedBy?: string;
  readonly submittedAt?: string;
  readonly decidedBy?: string;
  readonly decidedAt?: string;
  /** The reviewer's comment when sending back to draft. */
  readonly comment?: string;
  /** The version the reviewer read and approved: an approval never covers a later edit. */
  readonly approvedVersion?: number;
  /** The version submitted for this reading. */
  readonly submittedVersion?: number;
  /** The version submitted for the reading before this one: what the reviewer compares with when none was approved. */
  readonly previousSubmittedVersion?: number;
  /** The last version ever approved (kept across later edits and submissions): what the reviewer compares with. */
  readonly lastApprovedVersion?: number;
}

export interface Release {
  readonly id: string;
  readonly status: ReleaseStatus;
  /** Actor id of the author: a reviewer may not approve their own release when the brand forbids it. */
  readonly createdBy?: string;
  readonly review?: ReviewState;
  /** When its first mail went out (newsroom date): from then on it is public, once out of embargo. */
  readonly publishedAt?: string;
  /** Launched, and no mail has left yet: not public (a `sent` release without it and without `publishedAt` predates this rule). */
  readonly awaitingFirstMail?: boolean;
  /** Taken back by a publisher: out of the newsroom and feeds, its web version answers 404, and it never comes back by itself. */
  readonly unpublishedAt?: string;
  readonly unpublishedBy?: string;
  /** Incremented on every edit; earlier versions are kept by the store. */
  readonly version: number;
  /** Who saved this version: a version conflict says who saved in the meantime. */
  readonly updatedBy?: { readonly id: string; readonly name: string };
  readonly content: ReleaseContent;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly sentAt?: string;
}

/**
 * DynamoDB refuses an item over 400 KB, and a release's item holds its content plus its keys,
 * status, review and dates (its version item holds the content again, alone). The content is
 * bounded with a margin for the rest, measured as the JSON it is stored from (UTF-8 bytes:
 * an « é » weighs two).
 */
export const MAX_RELEASE_CONTENT_BYTES = 350_000;

const utf8 = new TextEncoder();
const bytes = (value: unknown) => utf8.encode(JSON.stringify(value) ?? '').length;
const kilobytes = (n: number) => `${Math.ceil(n / 1000)} Ko`;

/** Why a release's content is too big to be saved, naming its heaviest field; undefined when it fits. */
export function releaseSizeProblem(content: ReleaseContent): { message: string; field: string } | undefined {
  const total = bytes(content);
  if (total <= MAX_RELEASE_CONTENT_BYTES) return undefined;
  const [field, size] = Object.entries(content)
    .map(([name, value]) => [name, bytes(value)] as const)
    .reduce((a, b) => (b[1] > a[1] ? b : a));
  return {
    field,
    message: `Communiqué trop volumineux : ${kilobytes(total)} pour ${kilobytes(MAX_RELEASE_CONTENT_BYTES)} au plus. Le champ le plus lourd est « ${field} » (${kilobytes(size)}) : raccourcissez-le, ou joignez le texte long en pièce jointe.`,
  };
}

// Zod-free, for the send worker's bundle.
export { embargoRefusal, isUnderEmbargo } from './release-embargo';

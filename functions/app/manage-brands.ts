import { z } from 'zod';
import { type Actor, assertCan } from '../domain/actor';
import { type Brand, brandSchema } from '../domain/brand';
import { brandContrastProblems } from '../domain/colour-contrast';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { mediaUrl } from '../domain/media';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

type BrandDeps = Pick<AppDeps, 'store' | 'clock' | 'media' | 'publicBaseUrl'>;

/** The brand form as posted: flat strings, empty = absent. */
export const brandFormSchema = z.object({
  id: z.string().optional(),
  name: z.string().default(''),
  senderName: z.string().default(''),
  senderEmail: z.string().default(''),
  replyTo: z.string().default(''),
  logoMediaId: z.string().default(''),
  primary: z.string().default(''),
  text: z.string().default(''),
  accent: z.string().default(''),
  websiteUrl: z.string().default(''),
  postalAddress: z.string().default(''),
  legalNotice: z.string().default(''),
  'privacy.controller': z.string().default(''),
  'privacy.purpose': z.string().default(''),
  'privacy.lawfulBasis': z.string().default(''),
  'privacy.retention': z.string().default(''),
  'privacy.rights': z.string().default(''),
  'privacy.dpoContact': z.string().default(''),
  reviewRequired: z.string().optional(),
  allowSelfApproval: z.string().optional(),
});
export type BrandForm = z.input<typeof brandFormSchema>;

const opt = (v: string) => (v.trim() === '' ? undefined : v.trim());

export async function listBrandsForSettings(deps: BrandDeps, actor: Actor): Promise<Brand[]> {
  assertCan(actor, 'settings:manage');
  return (await deps.store.listBrands()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
}

export async function getBrandForSettings(deps: BrandDeps, actor: Actor, id: string): Promise<Brand> {
  assertCan(actor, 'settings:manage');
  const brand = await deps.store.getBrand(id);
  if (!brand) throw new NotFoundError('Marque', id);
  return brand;
}

/**
 * Creates a brand (`existingId` absent) or replaces the settings of one. The logo comes from the
 * library (an image, with its alt text); the colours must pass the WCAG AA contrast check. What
 * the form does not hold (social links, boilerplate, press contacts, footer) is kept.
 */
export async function saveBrand(deps: BrandDeps, actor: Actor, raw: BrandForm, existingId?: string): Promise<Brand> {
  assertCan(actor, 'settings:manage');
  const form = brandFormSchema.parse(raw);
  const existing = existingId ? await deps.store.getBrand(existingId) : undefined;
  if (existingId && !existing) throw new NotFoundError('Marque', existingId);
  const id = existingId ?? (form.id ?? '').trim();
  if (!existingId && (await deps.store.getBrand(id))) throw new ConflictError(`Une marque porte déjà l’identifiant « ${id} ».`);

  // Empty keeps the current logo; `aucun` removes it; anything else is a library image.
  let logo: Brand['logo'] = existing?.logo;
  const logoId = opt(form.logoMediaId);
  if (logoId === 'aucun') logo = undefined;
  else if (logoId) {
    const item = await deps.media.getMedia(logoId);
    if (!item || item.kind !== 'image' || !item.alt)
      throw new ValidationError('Logo introuvable : choisissez une image de la médiathèque.', 'logoMediaId');
    logo = { url: mediaUrl(deps.publicBaseUrl, item), alt: item.alt };
  }

  const privacy = {
    controller: opt(form['privacy.controller']),
    purpose: opt(form['privacy.purpose']),
    lawfulBasis: opt(form['privacy.lawfulBasis']),
    retention: opt(form['privacy.retention']),
    rights: opt(form['privacy.rights']),
    dpoContact: opt(form['privacy.dpoContact']),
  };
  const brand = brandSchema.parse({
    ...(existing ?? {}),
    id,
    name: form.name,
    senderName: form.senderName,
    senderEmail: form.senderEmail.trim(),
    replyTo: opt(form.replyTo),
    logo,
    colours: { primary: form.primary.trim(), text: opt(form.text) ?? '#1a1a1a', accent: opt(form.accent) },
    websiteUrl: opt(form.websiteUrl),
    postalAddress: opt(form.postalAddress),
    legalNotice: opt(form.legalNotice),
    privacyNotice: Object.values(privacy).some(Boolean) ? privacy : undefined,
    review: {
      required: form.reviewRequired === 'on' || form.reviewRequired === 'true',
      allowSelfApproval: form.allowSelfApproval === 'on' || form.allowSelfApproval === 'true',
    },
  });
  const problem = brandContrastProblems(brand.colours)[0];
  if (problem) throw new ValidationError(problem.message, problem.field);
  await deps.store.putBrand(brand);
  await audit(deps, actor, existing ? 'brand.update' : 'brand.create', 'setting', `brand:${brand.id}`, brand.name);
  return brand;
}

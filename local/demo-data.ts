import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { AppDeps } from '../functions/app/deps';
import { addSubscriberToList, createList } from '../functions/app/manage-audience';
import { createRelease } from '../functions/app/manage-releases';
import { uploadMedia } from '../functions/app/upload-media';
import { bootstrapAdmin } from '../functions/domain/actor';
import { type BrandInput, brandSchema } from '../functions/domain/brand';
import { resolveLocalTime } from '../functions/domain/local-time';
import type { Release, ReleaseContentInput } from '../functions/domain/release';

/** The press office's own brand in the demo (Loir-et-Cher): the workspace frame shows it locally. */
export const demoMainBrandId = 'cd41';

const demoFile = (name: string) => fileURLToPath(new URL(`./demo/${name}`, import.meta.url));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(demoFile(name), 'utf8')) as T;

/** Fictional people only: example.org / example.com addresses. */
const pressContacts = [
  { email: 'claire.martin@example.org', name: 'Claire Martin', outlet: 'La Nouvelle République (fictif)', mediumType: 'print' },
  { email: 'julien.robert@example.org', name: 'Julien Robert', outlet: 'Radio Val de Loire (fictif)', mediumType: 'radio' },
  { email: 'sophie.bernard@example.com', name: 'Sophie Bernard', outlet: 'TV Tours (fictif)', mediumType: 'tv' },
  { email: 'redaction@example.com', name: 'Rédaction Info41', outlet: 'Info41 (fictif)', mediumType: 'web' },
] as const;
const partners = [
  { email: 'direction@ccas-exemple.example.org', name: 'Direction CCAS (fictif)', organisation: 'CCAS de Blois (fictif)' },
  { email: 'contact@its-exemple.example.org', name: 'Institut de formation (fictif)', organisation: 'ITS (fictif)' },
  { email: 'claire.martin@example.org', name: 'Claire Martin', organisation: 'Presse locale (fictif)' },
] as const;

/**
 * The brand's logo (demo/logo-<id>.png, made by render-demo-logos.ts) put in the media library:
 * the brand points at the served file, absolute with the public base URL so mails can show it.
 */
async function demoLogo(deps: AppDeps, brand: BrandInput): Promise<BrandInput['logo']> {
  const file = demoFile(`logo-${brand.id}.png`);
  if (!existsSync(file)) return brand.logo;
  const alt = brand.logo?.alt ?? brand.name;
  const { url } = await uploadMedia(deps, bootstrapAdmin, { bytes: readFileSync(file), originalName: `logo-${brand.id}.png`, alt });
  return { url, alt };
}

/**
 * Seed 000 is a real communiqué the press office sent on its dateline's day: it goes into the
 * newsroom with that date (10:00, Paris). Seed 001 (no dateline) stays a draft to work on. To
 * work on a sent one, duplicate it (a sent release is never edited):
 * `POST /api/releases/{id}/duplicate`.
 */
async function markPublishedOnItsDate(deps: AppDeps, release: Release): Promise<void> {
  const day = release.content.dateline?.date;
  if (!day) return;
  const at = resolveLocalTime(`${day}T10:00`, 'Europe/Paris').toISOString();
  await deps.store.updateRelease({ ...release, status: 'sent', sentAt: at, publishedAt: at }, release.version);
}

/**
 * Loads the demo data on first start: the Loir-et-Cher brand (and the co-brand of the CLTS
 * 37/41) with their logos in the media library, both seed releases, lists "Presse" and "Partenaires" with a few fictional members.
 * Returns false when data is already there, so a restart never duplicates it.
 */
export async function loadDemoData(deps: AppDeps): Promise<boolean> {
  if ((await deps.store.listBrands()).length > 0) return false;
  for (const brand of readJson<BrandInput[]>('brands.json'))
    await deps.store.putBrand(brandSchema.parse({ ...brand, logo: await demoLogo(deps, brand) }));
  for (const seed of ['seed-000.json', 'seed-001.json']) {
    const release = await createRelease(deps, readJson<ReleaseContentInput>(seed));
    await markPublishedOnItsDate(deps, release);
  }
  const presse = await createList(deps, {
    name: 'Presse',
    description: 'Journalistes et rédactions : communiqués et invitations presse.',
    kind: 'press',
    optIn: 'single',
    publicSignup: false,
  });
  const partenaires = await createList(deps, {
    name: 'Partenaires',
    description: 'Partenaires du travail social : annonces d’événements et lettres d’information.',
    kind: 'partners',
    optIn: 'double',
    publicSignup: true,
  });
  for (const { email, ...profile } of pressContacts) {
    await addSubscriberToList(deps, presse.id, { email, profile, status: 'confirmed' });
  }
  for (const { email, ...profile } of partners) {
    await addSubscriberToList(deps, partenaires.id, { email, profile, status: 'confirmed' });
  }
  return true;
}

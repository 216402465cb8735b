import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { releaseContentSchema, type Release, type ReleaseContentInput } from '../domain/release';
import type { AppDeps } from './deps';

export async function createRelease(deps: AppDeps, input: ReleaseContentInput): Promise<Release> {
  const content = releaseContentSchema.parse(input);
  if (!(await deps.store.getBrand(content.brandId))) throw new ValidationError(`Marque inconnue : ${content.brandId}`, 'brandId');
  const now = deps.clock.now().toISOString();
  const release: Release = { id: deps.newId(), status: 'draft', version: 1, content, createdAt: now, updatedAt: now };
  await deps.store.createRelease(release);
  return release;
}

/** Saves a new version of a draft; a sent release is never edited (duplicate it instead). */
export async function updateRelease(deps: AppDeps, id: string, input: ReleaseContentInput, expectedVersion?: number): Promise<Release> {
  const current = await getRelease(deps, id);
  if (current.status === 'sent') {
    throw new ConflictError('Ce communiqué a déjà été envoyé : dupliquez-le pour le modifier.');
  }
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new ConflictError(`Le communiqué a été modifié entre-temps (version ${current.version}, vous éditiez la ${expectedVersion}).`);
  }
  const content = releaseContentSchema.parse(input);
  if (!(await deps.store.getBrand(content.brandId))) throw new ValidationError(`Marque inconnue : ${content.brandId}`, 'brandId');
  const next: Release = { ...current, content, version: current.version + 1, updatedAt: deps.clock.now().toISOString() };
  await deps.store.updateRelease(next, current.version);
  return next;
}

export async function getRelease(deps: Pick<AppDeps, 'store'>, id: string): Promise<Release> {
  const release = await deps.store.getRelease(id);
  if (!release) throw new NotFoundError('Communiqué', id);
  return release;
}

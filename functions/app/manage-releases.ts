import { type Actor, assertCan, bootstrapAdmin } from '../domain/actor';
import type { Campaign } from '../domain/campaign';
import { ConflictError, NotFoundError, ValidationError } from '../domain/errors';
import { formatFrenchInstant } from '../domain/french-dates';
import { resolveLocalTime } from '../domain/local-time';
import { type Release, type ReleaseContent, type ReleaseContentInput, releaseContentSchema, releaseSizeProblem } from '../domain/release';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

/** Rules across fields: an embargo must lift before the event it announces. */
export function checkReleaseRules(content: ReleaseContent): void {
  if (!content.embargoUntil || !content.event) return;
  const start = resolveLocalTime(content.event.start, content.event.timeZone, 'earlier', 'event.start');
  if (Date.parse(content.embargoUntil) > start.getTime()) {
    throw new ValidationError('L’embargo ne peut pas finir après le début de l’événement annoncé.', 'embargoUntil');
  }
}

async function parseContent(deps: Pick<AppDeps, 'store'>, input: ReleaseContentInput): Promise<ReleaseContent> {
  const content = releaseContentSchema.parse(input);
  if (!(await deps.store.getBrand(content.brandId))) throw new ValidationError(`Marque inconnue : ${content.brandId}`, 'brandId');
  checkReleaseRules(content);
  // Checked before any write: an item DynamoDB refuses would otherwise surface as a 500.
  const tooBig = releaseSizeProblem(content);
  if (tooBig) throw new ValidationError(tooBig.message, tooBig.field);
  return content;
}

/**
 * `options.id`: the id to create it with (a plan derives its steps' ids from its key, so that a
 * retry finds them); a release already stored under it is refused by the store.
 */
export async function createRelease(
  deps: AppDeps,
  input: ReleaseContentInput,
  actor: Actor = bootstrapAdmin,
  options: { id?: string } = {},
): Promise<Release> {
  assertCan(actor, 'release:write');
  const content = await parseContent(deps, input);
  const now = deps.clock.now().toISOString();
  const release: Release = {
    id: options.id ?? deps.newId(),
    status: 'draft',
    version: 1,
    createdBy: actor.id,
    updatedBy: { id: actor.id, name: actor.name },
    content,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.createRelease(release);
  await audit(deps, actor, 'release.created', 'release', release.id);
  return release;
}

const statusLabels: Record<Release['status'], string> = {
  draft: 'brouillon',
  in_review: 'en relecture',
  approved: 'approuvé',
  sent: 'envoyé',
};

/**
 * Saves a new version. A sent release is never edited (duplicate it instead); editing a release
 * in review or approved sends it back to draft, so no approval covers a text nobody reviewed.
 */
export async function updateRelease(
  deps: AppDeps,
  id: string,
  input: ReleaseContentInput,
  expectedVersion?: number,
  actor: Actor = bootstrapAdmin,
  options: UpdateReleaseOptions = {},
): Promise<Release> {
  assertCan(actor, 'release:write');
  const current = await getRelease(deps, id);
  if (current.status === 'sent') {
    throw new ConflictError('Ce communiqué a déjà été envoyé : dupliquez-le pour le modifier.');
  }
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new ConflictError(`Le communiqué a été modifié entre-temps (version ${current.version}, vous éditiez la ${expectedVersion}).`);
  }
  // A scheduled send carries the mail compiled from this version: the text may not change under
  // it (the schedule also checks the version when it fires, for an edit that races this check).
  const replacing = new Set(options.replacingCampaignIds ?? []);
  const blocking = (await scheduledCampaignsOf(deps, id)).find((c) => !replacing.has(c.id));
  if (blocking) {
    const when = blocking.sendAt ? ` le ${formatFrenchInstant(new Date(blocking.sendAt), blocking.timeZone)}` : '';
    throw new ConflictError(
      `Ce communiqué a un envoi programmé${when} (campagne ${blocking.id}) : pour modifier le texte, annulez d’abord cet envoi (POST /api/campaigns/${blocking.id}/cancel), modifiez-le, puis programmez-le de nouveau (après une nouvelle approbation si la relecture est obligatoire). Pour changer seulement l’heure, reprogrammez l’envoi (POST /api/campaigns/${blocking.id}/reschedule).`,
    );
  }
  const content = await parseContent(deps, input);
  // A new text needs a new reading: in review or approved, it goes back to draft, to be submitted again.
  const status = current.status === 'approved' || current.status === 'in_review' ? 'draft' : current.status;
  const next: Release = {
    ...current,
    status,
    content,
    version: current.version + 1,
    updatedBy: { id: actor.id, name: actor.name },
    updatedAt: deps.clock.now().toISOString(),
  };
  await deps.store.updateRelease(next, current.version);
  await audit(
    deps,
    actor,
    'release.edited',
    'release',
    id,
    status !== current.status ? `${statusLabels[current.status]} → brouillon` : undefined,
  );
  return next;
}

/**
 * A new draft with the content of an existing release (sent or not), its first version: how a
 * sent release is corrected or reused, since a sent release is never edited.
 */
export async function duplicateRelease(deps: AppDeps, id: string, actor: Actor = bootstrapAdmin): Promise<Release> {
  assertCan(actor, 'release:write');
  const source = await getRelease(deps, id);
  const now = deps.clock.now().toISOString();
  const copy: Release = {
    id: deps.newId(),
    status: 'draft',
    version: 1,
    createdBy: actor.id,
    updatedBy: { id: actor.id, name: actor.name },
    content: source.content,
    createdAt: now,
    updatedAt: now,
  };
  await deps.store.createRelease(copy);
  await audit(deps, actor, 'release.duplicated', 'release', copy.id, `copie de ${source.id} (version ${source.version})`);
  return copy;
}

export interface UpdateReleaseOptions {
  /** Scheduled campaigns the caller replaces with new ones after this edit (a plan moving its event): they do not block it. */
  readonly replacingCampaignIds?: readonly string[];
}

/**
 * The campaigns of a release still waiting for their time. Walks the campaign index (newest
 * first, 100 a page): no index by release exists, and a press office counts its campaigns in
 * hundreds or thousands, so an edit costs a few reads at most.
 */
export async function scheduledCampaignsOf(deps: Pick<AppDeps, 'store'>, releaseId: string): Promise<Campaign[]> {
  const found: Campaign[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCampaigns({ cursor, limit: 100 });
    cursor = page.cursor;
    for (const c of page.items) if (c.releaseId === releaseId && c.status === 'scheduled') found.push(c);
  } while (cursor);
  return found;
}

export async function getRelease(deps: Pick<AppDeps, 'store'>, id: string): Promise<Release> {
  const release = await deps.store.getRelease(id);
  if (!release) throw new NotFoundError('Communiqué', id);
  return release;
}

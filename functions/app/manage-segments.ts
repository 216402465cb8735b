import { type Actor, assertCan, can, ForbiddenError } from '../domain/actor';
import { NotFoundError, ValidationError } from '../domain/errors';
import { type Segment, segmentInputSchema } from '../domain/segment';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

/** The one mistake a person makes most in the form, said in French before the schema's own words. */
function requireName(raw: unknown) {
  const name = (raw as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name.trim() === '') throw new ValidationError('Donnez un nom au segment.', 'name');
}

/** A saved filter over the press fields, by someone who may manage the audience. */
export async function createSegment(deps: AppDeps, actor: Actor, raw: unknown): Promise<Segment> {
  assertCan(actor, 'audience:manage');
  requireName(raw);
  const input = segmentInputSchema.parse(raw);
  const at = deps.clock.now().toISOString();
  const segment: Segment = {
    id: deps.newId(),
    name: input.name,
    filter: input.filter,
    createdAt: at,
    updatedAt: at,
    createdBy: actor.name,
  };
  await deps.store.putSegment(segment);
  await audit(deps, actor, 'segment.created', 'segment', segment.id, segment.name);
  return segment;
}

/** Replaces a segment's name and filter. A campaign already launched keeps the filter it froze. */
export async function updateSegment(deps: AppDeps, actor: Actor, id: string, raw: unknown): Promise<Segment> {
  assertCan(actor, 'audience:manage');
  const current = await deps.store.getSegment(id);
  if (!current) throw new NotFoundError('Segment', id);
  requireName(raw);
  const input = segmentInputSchema.parse(raw);
  const segment: Segment = { ...current, name: input.name, filter: input.filter, updatedAt: deps.clock.now().toISOString() };
  await deps.store.putSegment(segment);
  await audit(deps, actor, 'segment.updated', 'segment', id, segment.name);
  return segment;
}

export async function deleteSegment(deps: AppDeps, actor: Actor, id: string): Promise<Segment> {
  assertCan(actor, 'audience:manage');
  const current = await deps.store.getSegment(id);
  if (!current) throw new NotFoundError('Segment', id);
  await deps.store.deleteSegment(id);
  await audit(deps, actor, 'segment.deleted', 'segment', id, current.name);
  return current;
}

/** Who may choose a segment: whoever reads the audience or sends (the send dialog lists them). */
function assertCanUseSegments(actor: Actor) {
  if (!can(actor, 'audience:read') && !can(actor, 'campaign:send')) throw new ForbiddenError(actor, 'audience:read');
}

export async function listSegments(deps: Pick<AppDeps, 'store'>, actor: Actor): Promise<Segment[]> {
  assertCanUseSegments(actor);
  return deps.store.listSegments();
}

export async function getSegment(deps: Pick<AppDeps, 'store'>, actor: Actor, id: string): Promise<Segment> {
  assertCanUseSegments(actor);
  const segment = await deps.store.getSegment(id);
  if (!segment) throw new NotFoundError('Segment', id);
  return segment;
}

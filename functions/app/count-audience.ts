import { type Actor, can, ForbiddenError } from '../domain/actor';
import { NotFoundError, ValidationError } from '../domain/errors';
import { isEmptyFilter, type SegmentFilter } from '../domain/segment';
import type { AppDeps } from './deps';
import { type AudienceEstimate, estimateAudience } from './estimate-audience';

export interface AudienceCountRequest {
  readonly listIds: readonly string[];
  readonly segmentId?: string;
  readonly filter?: SegmentFilter;
}

export interface AudienceCount extends AudienceEstimate {
  /** The segment counted with, when one was named. */
  readonly segment?: { readonly id: string; readonly name: string };
}

/**
 * Who a send to these lists (narrowed to a segment or a filter) would reach now, and who it
 * leaves out and why: not confirmed, address blocked, outside the segment. For whoever reads
 * the audience or sends; the launch counts again.
 */
export async function countAudience(deps: Pick<AppDeps, 'store'>, actor: Actor, request: AudienceCountRequest): Promise<AudienceCount> {
  if (!can(actor, 'audience:read') && !can(actor, 'campaign:send')) throw new ForbiddenError(actor, 'audience:read');
  const listIds = [...new Set(request.listIds)];
  if (listIds.length === 0) throw new ValidationError('Choisissez au moins une liste.', 'listIds');
  for (const id of listIds) if (!(await deps.store.getList(id))) throw new NotFoundError('Liste', id);
  if (request.segmentId && request.filter)
    throw new ValidationError('Choisissez un segment (segmentId) ou un filtre (filter), pas les deux.', 'filter');
  if (request.segmentId) {
    const segment = await deps.store.getSegment(request.segmentId);
    if (!segment) throw new NotFoundError('Segment', request.segmentId);
    return { ...(await estimateAudience(deps, listIds, segment.filter)), segment: { id: segment.id, name: segment.name } };
  }
  const filter = request.filter && !isEmptyFilter(request.filter) ? request.filter : undefined;
  return estimateAudience(deps, listIds, filter);
}

import { type Actor, assertCan } from '../domain/actor';
import { ConflictError, ValidationError } from '../domain/errors';
import type { Release, ReleaseStatus } from '../domain/release';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { getRelease } from './manage-releases';

const labels: Record<ReleaseStatus, string> = { draft: 'brouillon', in_review: 'en relecture', approved: 'approuvé', sent: 'envoyé' };

async function move(
  deps: AppDeps,
  release: Release,
  to: ReleaseStatus,
  review: Release['review'],
  actor: Actor,
  action: string,
  detail?: string,
): Promise<Release> {
  const next: Release = { ...release, status: to, review, updatedAt: deps.clock.now().toISOString() };
  await deps.store.updateRelease(next, release.version);
  await audit(deps, actor, action, 'release', release.id, detail);
  return next;
}

/** draft → in review. */
export async function submitForReview(deps: AppDeps, actor: Actor, id: string): Promise<Release> {
  assertCan(actor, 'release:write');
  const release = await getRelease(deps, id);
  if (release.status !== 'draft')
    throw new ConflictError(`Seul un brouillon peut être soumis à relecture (ce communiqué est ${labels[release.status]}).`);
  const now = deps.clock.now().toISOString();
  // The versions to compare with are kept: the last approved one, and the one submitted before.
  const review = {
    submittedBy: actor.id,
    submittedAt: now,
    submittedVersion: release.version,
    previousSubmittedVersion: release.review?.submittedVersion,
    lastApprovedVersion: release.review?.approvedVersion ?? release.review?.lastApprovedVersion,
  };
  return move(deps, release, 'in_review', review, actor, 'release.submitted');
}

/**
 * in review → approved; a reviewer may not approve their own release unless the brand allows it.
 * `seenVersion`: the version the reviewer read. An approval of any other version is refused, so
 * a text edited and submitted again while the reviewer was reading is never approved unread.
 * The version approved is recorded (`review.approvedVersion`); the write is conditional on it.
 */
export async function approveRelease(deps: AppDeps, actor: Actor, id: string, seenVersion?: number): Promise<Release> {
  assertCan(actor, 'release:review');
  const release = await getRelease(deps, id);
  if (release.status !== 'in_review')
    throw new ConflictError(`Seul un communiqué en relecture peut être approuvé (celui-ci est ${labels[release.status]}).`);
  if (seenVersion !== undefined && seenVersion !== release.version) {
    throw new ConflictError(
      `Vous avez relu la version ${seenVersion}, mais le communiqué est maintenant en version ${release.version} : relisez la version ${release.version} avant de l’approuver.`,
    );
  }
  const brand = await deps.store.getBrand(release.content.brandId);
  const author = release.createdBy === actor.id || release.review?.submittedBy === actor.id;
  if (author && !brand?.review.allowSelfApproval) {
    throw new ConflictError('Vous ne pouvez pas approuver votre propre communiqué : un autre membre du comité doit le relire.');
  }
  const now = deps.clock.now().toISOString();
  return move(
    deps,
    release,
    'approved',
    { ...release.review, decidedBy: actor.id, decidedAt: now, comment: undefined, approvedVersion: release.version },
    actor,
    'release.approved',
    `version ${release.version}`,
  );
}

/** in review → back to draft, with the reviewer's comment. */
export async function rejectRelease(deps: AppDeps, actor: Actor, id: string, comment: string): Promise<Release> {
  assertCan(actor, 'release:review');
  if (!comment.trim()) throw new ValidationError('Un commentaire est nécessaire pour renvoyer le communiqué à son auteur.', 'comment');
  const release = await getRelease(deps, id);
  if (release.status !== 'in_review')
    throw new ConflictError(`Seul un communiqué en relecture peut être renvoyé (celui-ci est ${labels[release.status]}).`);
  const now = deps.clock.now().toISOString();
  return move(
    deps,
    release,
    'draft',
    { ...release.review, decidedBy: actor.id, decidedAt: now, comment: comment.trim() },
    actor,
    'release.rejected',
    comment.trim(),
  );
}

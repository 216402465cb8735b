import { type Actor, assertCan } from '../domain/actor';
import type { Release } from '../domain/release';
import { diffReleaseContent, type FieldChange } from '../domain/release-diff';
import type { ReleaseVersionInfo } from '../ports';
import type { AppDeps } from './deps';
import { listReleasesPage } from './list-releases';
import { getRelease } from './manage-releases';

/** What awaits review, newest first: the reviewers' queue. */
export async function listAwaitingReview(deps: Pick<AppDeps, 'store'>, actor: Actor): Promise<Release[]> {
  assertCan(actor, 'release:review');
  return (await listReleasesPage(deps, { status: 'in_review' }, { limit: 100 })).items;
}

export interface ReviewCase {
  readonly release: Release;
  /** The version the changes are counted from, and why that one. Absent on a first reading. */
  readonly base?: { readonly version: number; readonly reason: 'approved' | 'submitted' };
  /** Field by field, from the base version to the version under review. */
  readonly changes: readonly FieldChange[];
  readonly history: readonly ReleaseVersionInfo[];
}

/**
 * What a reviewer reads: the release, and what changed since the last version approved, or else
 * since the version submitted the time before (a text sent back and submitted again). A first
 * submission has no base: everything is new.
 */
export async function loadReviewCase(deps: Pick<AppDeps, 'store'>, actor: Actor, id: string): Promise<ReviewCase> {
  assertCan(actor, 'release:review');
  const release = await getRelease(deps, id);
  const review = release.review;
  const candidates: { version: number; reason: 'approved' | 'submitted' }[] = [];
  if (review?.lastApprovedVersion !== undefined) candidates.push({ version: review.lastApprovedVersion, reason: 'approved' });
  if (review?.previousSubmittedVersion !== undefined) candidates.push({ version: review.previousSubmittedVersion, reason: 'submitted' });
  const base = candidates.find((c) => c.version !== release.version);
  const baseContent = base ? await deps.store.getReleaseVersion(id, base.version) : undefined;
  return {
    release,
    base: baseContent ? base : undefined,
    changes: baseContent ? diffReleaseContent(baseContent, release.content) : [],
    history: await deps.store.listReleaseVersions(id),
  };
}

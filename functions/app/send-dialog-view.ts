import { type Actor, assertCan } from '../domain/actor';
import type { MailingList } from '../domain/audience';
import { DEFAULT_TIME_ZONE } from '../domain/french-dates';
import { type LocalTimeReading, readLocalTime } from '../domain/local-time-choice';
import type { Release } from '../domain/release';
import { awaitsApproval } from '../domain/review-gate';
import type { Segment } from '../domain/segment';
import { subjectOf } from '../render/subject';
import type { AppDeps } from './deps';
import { type AudienceEstimate, audienceCounter } from './estimate-audience';
import { getRelease } from './manage-releases';
import { brandsOf, embargoSubjectPrefix, isUnderEmbargo } from './release-rendering';

/** What the person chose in the send dialog (query string or form). */
export interface SendChoice {
  readonly listIds: readonly string[];
  readonly when: 'now' | 'later';
  /** Local date `YYYY-MM-DD` and time `HH:mm`, in `timeZone`, when `when` is `later`. */
  readonly date?: string;
  readonly time?: string;
  readonly ambiguity?: 'earlier' | 'later';
  /** Only the members of this saved segment; undefined = every member of the lists. */
  readonly segmentId?: string;
  /** Generated when the dialog opens; the same key never launches two campaigns. */
  readonly key: string;
}

export interface ListReach extends AudienceEstimate {
  readonly list: MailingList;
  readonly checked: boolean;
  /** A non-press list while the release would still be under embargo: nobody on it would get the mail. */
  readonly embargoed: boolean;
}

export interface SendDialogView {
  readonly release: Release;
  readonly subject: string;
  readonly sender: { readonly name: string; readonly address: string };
  /** Why the release cannot be sent yet (review on and not approved), if so. */
  readonly blocked?: string;
  readonly lists: readonly ListReach[];
  /** The segments to choose from, by name. */
  readonly segments: readonly Segment[];
  /** The chosen one (undefined when none, or when the id names no segment: `unknownSegment`). */
  readonly segment?: Segment;
  readonly unknownSegment?: boolean;
  /** Distinct people the chosen lists reach, with the segment (embargoed lists left out). */
  readonly total: AudienceEstimate;
  readonly timeZone: string;
  /** Undefined when sending now. */
  readonly time?: LocalTimeReading;
  /** When the mail would leave (now, or the chosen instant once it is clear). */
  readonly leavesAt?: Date;
  readonly embargoUntil?: string;
  readonly choice: SendChoice;
}

/**
 * Everything the send dialog and its confirmation show: who each list reaches and who is left
 * out (not confirmed, suppressed, embargo), the subject, sender and time. It decides nothing:
 * the launch and schedule use-cases check again when the person confirms.
 */
export async function sendDialogView(
  deps: AppDeps,
  actor: Actor,
  releaseId: string,
  choice: SendChoice,
  options: { perList?: boolean } = {},
): Promise<SendDialogView> {
  assertCan(actor, 'campaign:send');
  const release = await getRelease(deps, releaseId);
  const { brand } = await brandsOf(deps, release.content);
  const timeZone = DEFAULT_TIME_ZONE;
  const time = choice.when === 'later' ? readLocalTime(`${choice.date ?? ''}T${choice.time ?? ''}`, timeZone) : undefined;
  const leavesAt =
    time === undefined
      ? deps.clock.now()
      : time.kind === 'single'
        ? time.instant
        : time.kind === 'repeated'
          ? choice.ambiguity
            ? time[choice.ambiguity].instant
            : time.earlier.instant
          : undefined;
  // Until the time is clear, judge the embargo at the earliest moment it could leave.
  const embargoed = isUnderEmbargo(release.content, leavesAt ?? deps.clock.now());
  const chosen = new Set(choice.listIds);
  const segments = await deps.store.listSegments();
  const segment = choice.segmentId ? segments.find((g) => g.id === choice.segmentId) : undefined;
  const filter = segment?.filter;
  const allLists = await deps.store.listLists();
  // One read of the suppressions for every count below (each list's row, then the total).
  const count = await audienceCounter(deps, options.perList === false ? choice.listIds : allLists.map((l) => l.id), filter);
  const lists = await Promise.all(
    allLists.map(async (list) => ({
      list,
      checked: chosen.has(list.id),
      embargoed: embargoed && list.kind !== 'press',
      // The live summary shows the total only: it skips reading every list again on each change.
      ...(options.perList === false ? { recipients: 0, suppressed: 0, notConfirmed: 0 } : await count([list.id])),
    })),
  );
  lists.sort((a, b) => Number(b.list.kind === 'press') - Number(a.list.kind === 'press') || a.list.name.localeCompare(b.list.name, 'fr'));
  const counted = lists.filter((l) => l.checked && !l.embargoed).map((l) => l.list.id);
  const total = counted.length > 0 ? await count(counted) : { recipients: 0, suppressed: 0, notConfirmed: 0 };
  const blocked = awaitsApproval(brand, release.status)
    ? 'Ce communiqué n’est pas encore approuvé : la relecture est obligatoire pour cette marque avant tout envoi ou programmation.'
    : undefined;
  const subject = subjectOf(release.content);
  return {
    release,
    subject: embargoed ? `${embargoSubjectPrefix}${subject}` : subject,
    sender: { name: brand.senderName, address: brand.senderEmail },
    blocked,
    lists,
    segments,
    ...(segment ? { segment } : {}),
    ...(choice.segmentId && !segment ? { unknownSegment: true } : {}),
    total,
    timeZone,
    time,
    leavesAt,
    embargoUntil: release.content.embargoUntil,
    choice,
  };
}

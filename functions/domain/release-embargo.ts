import type { MailingList } from './audience';
import { formatFrenchInstant } from './french-dates';
import type { ReleaseContent } from './release';

// Apart from release.ts (its schemas need zod) so that the send worker, which checks embargoes
// when a schedule fires, keeps zod out of its bundle (issue 13).

/** Before its embargo a release may only go to press lists. */
export const isUnderEmbargo = (content: Pick<ReleaseContent, 'embargoUntil'>, at: Date) =>
  content.embargoUntil !== undefined && at.getTime() < Date.parse(content.embargoUntil);

/**
 * Why a send leaving at `at` to these lists would break the release's embargo (French, naming
 * the lists that are not press lists); undefined when it may leave. Checked at launch, when a
 * send is rescheduled, and again when its schedule fires.
 */
export function embargoRefusal(
  content: Pick<ReleaseContent, 'embargoUntil'>,
  lists: readonly Pick<MailingList, 'name' | 'kind'>[],
  at: Date,
): string | undefined {
  if (!isUnderEmbargo(content, at)) return undefined;
  const nonPress = lists.filter((l) => l.kind !== 'press');
  if (nonPress.length === 0) return undefined;
  return `Sous embargo jusqu’au ${formatFrenchInstant(new Date(content.embargoUntil as string))} : envoi avant cette date réservé aux listes presse (refusé pour ${nonPress.map((l) => `« ${l.name} »`).join(', ')}).`;
}

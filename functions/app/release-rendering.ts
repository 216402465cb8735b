import type { Brand } from '../domain/brand';
import { ValidationError } from '../domain/errors';
import type { Release, ReleaseContent } from '../domain/release';
import { isUnderEmbargo } from '../domain/release-embargo';
import type { CompiledMail } from '../render/compiled-mail';
import type { AppDeps } from './deps';

/** The public web version of a release: the link in every mail, the newsroom entry. */
export const publicReleaseUrl = (publicBaseUrl: string, id: string) => `${publicBaseUrl}/releases/${encodeURIComponent(id)}`;
/** An event announcement's calendar entry, next to its web version. */
export const publicCalendarUrl = (publicBaseUrl: string, id: string) => `${publicReleaseUrl(publicBaseUrl, id)}/event.ics`;

/** Shown before the subject of a mail that leaves before the embargo (press lists only). */
export const embargoSubjectPrefix = 'SOUS EMBARGO – ';

export { isUnderEmbargo } from '../domain/release-embargo';

/** The brand and co-brands a release is rendered with; co-brands no longer stored are left out. */
export async function brandsOf(deps: Pick<AppDeps, 'store'>, content: ReleaseContent): Promise<{ brand: Brand; coBrands: Brand[] }> {
  const brand = await deps.store.getBrand(content.brandId);
  if (!brand) throw new ValidationError(`Marque inconnue : ${content.brandId}`, 'brandId');
  const coBrands = (await Promise.all(content.coBrandIds.map((b) => deps.store.getBrand(b)))).filter((b) => b !== undefined);
  return { brand, coBrands };
}

/**
 * The mail of a campaign as it leaves at `leavesAt`: rendered once with its brands, its web
 * version and (events) calendar links, and the embargo prefix when it leaves before the embargo.
 * Used at launch and again when a plan moves its event, so both give the same mail.
 */
export async function compileCampaignMail(
  deps: Pick<AppDeps, 'store' | 'publicBaseUrl' | 'compileRelease'>,
  release: Release,
  leavesAt: Date,
  brands?: { brand: Brand; coBrands: Brand[] },
): Promise<CompiledMail> {
  const { brand, coBrands } = brands ?? (await brandsOf(deps, release.content));
  const compiled = await deps.compileRelease({
    content: release.content,
    brand,
    coBrands,
    webVersionUrl: publicReleaseUrl(deps.publicBaseUrl, release.id),
    ...(release.content.event ? { calendarUrl: publicCalendarUrl(deps.publicBaseUrl, release.id) } : {}),
    now: leavesAt,
  });
  return isUnderEmbargo(release.content, leavesAt) ? { ...compiled, subject: `${embargoSubjectPrefix}${compiled.subject}` } : compiled;
}

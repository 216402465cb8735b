import { ZodError } from 'zod';
import { DomainError } from '../domain/errors';
import { type Release, type ReleaseContentInput, releaseContentSchema } from '../domain/release';
import { personalise } from '../render/compiled-mail';
import type { AppDeps } from './deps';
import { checkReleaseRules } from './manage-releases';
import { previewRecipient, renderReleaseAs } from './preview-release';
import { brandsOf, compileCampaignMail, publicReleaseUrl } from './release-rendering';

/** A field the author can fix, named by its content path. */
export interface PreviewProblem {
  readonly field: string;
  readonly message: string;
}

export type UnsavedPreview =
  | {
      readonly ok: true;
      /** The mail's HTML part, as a recipient gets it (inert personal links). */
      readonly html: string;
      readonly text: string;
      readonly subject?: string;
      /** The public web version. */
      readonly web: string;
      /** Event announcements: the calendar entry. */
      readonly ics?: string;
    }
  | { readonly ok: false; readonly problems: readonly PreviewProblem[] };

/**
 * What the author is typing, rendered by the campaign's own renderer before it is saved: the
 * editor's live preview. Same schema and rules as saving; invalid content or a render error
 * comes back as problems naming their field, never as a half-rendered mail.
 */
export async function previewUnsavedRelease(
  deps: Pick<AppDeps, 'store' | 'publicBaseUrl' | 'clock' | 'compileRelease' | 'renderWebPage'>,
  releaseId: string | undefined,
  input: ReleaseContentInput,
): Promise<UnsavedPreview> {
  try {
    const content = releaseContentSchema.parse(input);
    checkReleaseRules(content);
    const { brand, coBrands } = await brandsOf(deps, content);
    const source = {
      content,
      brand,
      coBrands,
      webVersionUrl: publicReleaseUrl(deps.publicBaseUrl, releaseId ?? 'apercu'),
      now: deps.clock.now(),
    };
    // The campaign's own compile (embargo prefix and calendar link included), once for both parts.
    const now = deps.clock.now().toISOString();
    const asRelease: Release = { id: releaseId ?? 'apercu', status: 'draft', version: 0, content, createdAt: now, updatedAt: now };
    const [compiled, web, ics] = await Promise.all([
      compileCampaignMail(deps, asRelease, source.now, { brand, coBrands }),
      renderReleaseAs(source, 'web', deps),
      content.event ? renderReleaseAs(source, 'ics', deps) : undefined,
    ]);
    const mail = personalise(compiled, previewRecipient);
    return { ok: true, html: mail.html, text: mail.text, subject: mail.subject, web: web.body, ics: ics?.body };
  } catch (e: unknown) {
    if (e instanceof ZodError) return { ok: false, problems: e.issues.map((i) => ({ field: i.path.join('.'), message: i.message })) };
    if (e instanceof DomainError || (e instanceof Error && e.name === 'RenderError')) {
      return { ok: false, problems: [{ field: (e as { field?: string }).field ?? '', message: e.message }] };
    }
    throw e;
  }
}

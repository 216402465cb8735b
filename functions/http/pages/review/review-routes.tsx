import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../../app/deps';
import { previewUnsavedRelease } from '../../../app/preview-unsaved-release';
import { listAwaitingReview, loadReviewCase } from '../../../app/review-queue';
import { approveRelease, rejectRelease } from '../../../app/review-release';
import { ForbiddenError } from '../../../domain/actor';
import { DomainError, NotFoundError } from '../../../domain/errors';
import type { FieldError } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { ReviewPage, ReviewQueue } from './review-pages';

type Ctx = Context<WorkspaceEnv>;
const statusOf: Record<string, ContentfulStatusCode> = { conflict: 409, invalid: 400, rate_limited: 429 };

/** Relecture: the reviewers' queue, and for each release the rendered mail, the diff, approve or send back. */
export function reviewPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const auth = requireUser();

  async function page(c: Ctx, id: string, extra: { errors?: FieldError[]; comment?: string } = {}, status: ContentfulStatusCode = 200) {
    const reviewCase = await loadReviewCase(deps, c.get('actor'), id);
    const preview = await previewUnsavedRelease(deps, id, reviewCase.release.content);
    return renderPage(
      c,
      { title: `Relecture : ${reviewCase.release.content.title}`, area: 'releases', status },
      <ReviewPage reviewCase={reviewCase} preview={preview} csrfToken={c.get('csrfToken')} {...extra} />,
    );
  }

  /** A use-case's refusal shown on the review page (why an approval is refused), anything else to the error page. */
  const refusal = (e: unknown): e is DomainError =>
    e instanceof DomainError && !(e instanceof ForbiddenError) && !(e instanceof NotFoundError);

  app.get('/relecture', auth, async (c) => {
    const items = await listAwaitingReview(deps, c.get('actor'));
    return renderPage(c, { title: 'À relire', area: 'releases' }, <ReviewQueue items={items} />);
  });

  app.get('/relecture/:id', auth, (c) => page(c, c.req.param('id')));

  app.post('/relecture/:id/approuver', auth, async (c) => {
    const id = c.req.param('id');
    const typed = String((await c.req.parseBody()).version ?? '');
    if (!/^\d{1,9}$/.test(typed)) {
      return page(c, id, { errors: [{ field: '', message: 'La version relue manque : rechargez la page avant d’approuver.' }] }, 400);
    }
    try {
      const approved = await approveRelease(deps, c.get('actor'), id, Number(typed));
      setNotice(c, `Communiqué approuvé (version ${approved.version}).`);
      return c.redirect('/relecture', 303);
    } catch (e: unknown) {
      if (!refusal(e)) throw e;
      return page(c, id, { errors: [{ field: '', message: `Approbation refusée : ${e.message}` }] }, statusOf[e.code] ?? 400);
    }
  });

  app.post('/relecture/:id/renvoyer', auth, async (c) => {
    const id = c.req.param('id');
    const comment = String((await c.req.parseBody()).comment ?? '');
    try {
      await rejectRelease(deps, c.get('actor'), id, comment);
      setNotice(c, 'Communiqué renvoyé à son auteur avec votre commentaire.');
      return c.redirect('/relecture', 303);
    } catch (e: unknown) {
      if (!refusal(e)) throw e;
      const field = (e as { field?: string }).field ?? '';
      return page(c, id, { errors: [{ field, message: e.message }], comment }, statusOf[e.code] ?? 400);
    }
  });

  return app;
}

import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { directMediaForm, registerDirectMediaUpload } from '../../../app/direct-media-upload';
import { listMedia } from '../../../app/list-media';
import { uploadMedia } from '../../../app/upload-media';
import { can, ForbiddenError } from '../../../domain/actor';
import { MediaTooLargeError } from '../../../domain/media';
import { multipartUpload } from '../../media-routes';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { type MediaDraft, MediaLibraryPage, mediaPath } from './media-pages';

async function libraryPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  draft?: MediaDraft,
  errors?: readonly FieldError[],
  status: 200 | 400 | 413 = 200,
) {
  const page = await listMedia(deps, c.get('actor'), { cursor: c.req.query('curseur') || undefined });
  const direct = can(c.get('actor'), 'release:write') ? await directMediaForm(deps, c.get('actor')) : undefined;
  // The browser may post this page's form to S3 only if the CSP's form-action names the bucket.
  if (direct) c.set('formActionSources', [new URL(direct.url).origin]);
  return renderPage(
    c,
    { title: 'Médiathèque', area: 'releases', status },
    <MediaLibraryPage
      items={page.items}
      cursor={page.cursor}
      canUpload={can(c.get('actor'), 'release:write')}
      csrfToken={c.get('csrfToken')}
      draft={draft}
      errors={errors}
      direct={direct}
    />,
  );
}

/** Médiathèque: the list and the upload form (who writes releases; the use-cases check). */
export function mediaPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use(mediaPath, requireUser());
  app.use(`${mediaPath}/*`, requireUser());

  app.get(mediaPath, (c) => libraryPage(c, deps));

  // Where S3 sends the browser back after a direct upload (AWS, `?bucket=…&key=…&etag=…`): the
  // file is checked by its first bytes and registered, or refused with the form shown again.
  app.get(`${mediaPath}/televerse/:id`, async (c) => {
    try {
      const { item, again } = await registerDirectMediaUpload(deps, c.get('actor'), c.req.param('id'), c.req.query('key') ?? '');
      if (!again) setNotice(c, `« ${item.filename} » est dans la médiathèque.`);
      return c.redirect(mediaPath, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError) throw e;
      return libraryPage(
        c,
        deps,
        undefined,
        errors.map((x) => ({ ...x, field: x.field || 'file' })),
        e instanceof MediaTooLargeError ? 413 : 400,
      );
    }
  });

  app.post(mediaPath, async (c) => {
    const form = await c.req.parseBody();
    const draft = { alt: typeof form.alt === 'string' ? form.alt : '', credit: typeof form.credit === 'string' ? form.credit : '' };
    try {
      const { item } = await uploadMedia(deps, c.get('actor'), await multipartUpload(form));
      setNotice(c, `« ${item.filename} » est dans la médiathèque.`);
      return c.redirect(mediaPath, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError) throw e;
      return libraryPage(
        c,
        deps,
        draft,
        errors.map((x) => ({ ...x, field: x.field || 'file' })),
        e instanceof MediaTooLargeError ? 413 : 400,
      );
    }
  });

  return app;
}

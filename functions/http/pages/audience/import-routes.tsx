import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { importFilesOf } from '../../../app/import-files';
import {
  chooseImportBasis,
  createImportJob,
  IMPORT_MAX_BYTES,
  importJobFor,
  proposedMapping,
  readImportJob,
  saveImportMapping,
} from '../../../app/import-jobs';
import { importReportCsv, importReportFor } from '../../../app/import-report-csv';
import { startImportJob } from '../../../app/run-import-job';
import { assertCan, ForbiddenError } from '../../../domain/actor';
import { NotFoundError, ValidationError } from '../../../domain/errors';
import { fieldErrorsOf } from '../components/forms';
import { renderFragment, renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { setNotice } from '../workspace-security';
import {
  BasisPage,
  importPath,
  LaunchPage,
  MappingPage,
  PreviewPage,
  ProgressFragment,
  ProgressPage,
  ReportPage,
  UploadPage,
} from './import-pages';

const title = 'Importer des contacts';
const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
/** Errors the person can fix re-render the form; the rest (403, 404, 409) go to the error page. */
const fixable = (e: unknown) => {
  const errors = fieldErrorsOf(e);
  const code = (e as { code?: string }).code;
  return errors && !(e instanceof ForbiddenError) && code === 'invalid' ? errors : undefined;
};

/**
 * The import wizard: file (with what was detected and the first rows) → columns → lawful basis →
 * run (in the background, a progress bar polled every second) → report, downloadable as CSV.
 * Every step is a page with a plain form; the use-cases check the role (audience:manage).
 */
export function importPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  const lists = () => deps.store.listLists();

  const files = importFilesOf(deps);
  /** AWS: a presigned POST to S3 for a job id minted now; locally none (the form posts here). */
  const directUpload = async (c: Context<WorkspaceEnv>) => {
    if (!files.presignUpload) return undefined;
    const jobId = deps.newId();
    const direct = await files.presignUpload(jobId, {
      redirectUrl: `${deps.publicBaseUrl.replace(/\/$/, '')}/audience/import/televerse/${encodeURIComponent(jobId)}`,
      maxBytes: IMPORT_MAX_BYTES,
    });
    // The browser may post this page's form to S3 only if the CSP's form-action names the bucket.
    c.set('formActionSources', [new URL(direct.url).origin]);
    return direct;
  };

  app.get('/audience/import', async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    return renderPage(
      c,
      { title, area: 'audience' },
      <UploadPage
        lists={await lists()}
        listId={c.req.query('liste') || undefined}
        csrfToken={c.get('csrfToken')}
        direct={await directUpload(c)}
      />,
    );
  });

  // Where S3 sends the browser back after a direct upload (`?bucket=…&key=…&etag=…`): the file
  // is read, kept as the job's and the job opened, as the local form's POST does. Once only: the
  // job id was minted with the upload's policy, a second visit finds the job and goes to it.
  app.get('/audience/import/televerse/:id', async (c) => {
    const actor = c.get('actor');
    assertCan(actor, 'audience:manage');
    const id = c.req.param('id');
    if (await readImportJob(deps, id)) return c.redirect(importPath(id), 303);
    const key = c.req.query('key') ?? '';
    const upload = await files.readUpload?.(id, key);
    let listId = upload?.listId ?? '';
    try {
      if (!upload) throw new ValidationError('Le fichier n’est pas arrivé : choisissez-le à nouveau.', 'file');
      listId = upload.listId;
      const job = await createImportJob(deps, actor, { id, listId, filename: upload.filename, bytes: upload.bytes });
      return c.redirect(importPath(job.id), 303);
    } catch (e: unknown) {
      const errors = fixable(e);
      if (!errors) throw e;
      return renderPage(
        c,
        { title: `Erreur : ${title}`, area: 'audience', status: 400 },
        <UploadPage
          lists={await lists()}
          listId={listId || undefined}
          csrfToken={c.get('csrfToken')}
          errors={errors}
          direct={await directUpload(c)}
        />,
      );
    }
  });

  app.post('/audience/import', async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    const form = await c.req.parseBody();
    const listId = str(form.listId) ?? '';
    const file = form.file;
    try {
      const bytes = file instanceof File ? new Uint8Array(await file.arrayBuffer()) : new Uint8Array();
      const job = await createImportJob(deps, c.get('actor'), {
        listId,
        filename: file instanceof File ? file.name : '',
        bytes,
      });
      return c.redirect(importPath(job.id), 303);
    } catch (e: unknown) {
      const errors = fixable(e);
      if (!errors) throw e;
      return renderPage(
        c,
        { title: `Erreur : ${title}`, area: 'audience', status: 400 },
        <UploadPage lists={await lists()} listId={listId || undefined} csrfToken={c.get('csrfToken')} errors={errors} />,
      );
    }
  });

  app.get('/audience/import/:id', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    return renderPage(c, { title: `Aperçu : ${job.filename}`, area: 'audience' }, <PreviewPage job={job} />);
  });

  app.get('/audience/import/:id/colonnes', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    const mapping = await proposedMapping(deps, job);
    return renderPage(
      c,
      { title: `Colonnes : ${job.filename}`, area: 'audience' },
      <MappingPage job={job} mapping={mapping} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/import/:id/colonnes', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const job = await importJobFor(deps, c.get('actor'), id);
    const chosen = job.headers.map((_, i) => str(form[`colonne-${i}`]));
    try {
      await saveImportMapping(deps, c.get('actor'), id, chosen);
      return c.redirect(importPath(id, 'base-legale'), 303);
    } catch (e: unknown) {
      const errors = fixable(e);
      if (!errors) throw e;
      const mapping = Object.fromEntries(job.headers.map((h, i) => [h, chosen[i] ?? 'ignore']));
      return renderPage(
        c,
        { title: `Erreur : colonnes de ${job.filename}`, area: 'audience', status: 400 },
        <MappingPage job={job} mapping={mapping} csrfToken={c.get('csrfToken')} errors={errors} />,
      );
    }
  });

  const listOf = async (listId: string) => {
    const list = await deps.store.getList(listId);
    if (!list) throw new NotFoundError('Liste', listId);
    return list;
  };

  app.get('/audience/import/:id/base-legale', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    if (!job.mapping) return c.redirect(importPath(job.id, 'colonnes'), 303);
    return renderPage(
      c,
      { title: `Base légale : ${job.filename}`, area: 'audience' },
      <BasisPage job={job} list={await listOf(job.listId)} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/import/:id/base-legale', async (c) => {
    const id = c.req.param('id');
    const basis = str((await c.req.parseBody()).basis);
    try {
      await chooseImportBasis(deps, c.get('actor'), id, basis);
      return c.redirect(importPath(id, 'lancement'), 303);
    } catch (e: unknown) {
      const errors = fixable(e);
      if (!errors) throw e;
      const job = await importJobFor(deps, c.get('actor'), id);
      return renderPage(
        c,
        { title: `Erreur : base légale de ${job.filename}`, area: 'audience', status: 400 },
        <BasisPage job={job} list={await listOf(job.listId)} csrfToken={c.get('csrfToken')} errors={errors} />,
      );
    }
  });

  app.get('/audience/import/:id/lancement', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    if (job.status === 'running' || job.status === 'done' || job.status === 'failed')
      return c.redirect(importPath(job.id, 'progression'), 303);
    if (!job.mapping) return c.redirect(importPath(job.id, 'colonnes'), 303);
    if (!job.basis) return c.redirect(importPath(job.id, 'base-legale'), 303);
    return renderPage(
      c,
      { title: `Lancer l’import : ${job.filename}`, area: 'audience' },
      <LaunchPage job={job} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/import/:id/lancement', async (c) => {
    const job = await startImportJob(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Import de ${job.filename} lancé.`);
    return c.redirect(importPath(job.id, 'progression'), 303);
  });

  app.get('/audience/import/:id/progression', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    return renderPage(c, { title: `Import en cours : ${job.filename}`, area: 'audience' }, <ProgressPage job={job} />);
  });

  app.get('/audience/import/:id/progression/etat', async (c) => {
    const job = await importJobFor(deps, c.get('actor'), c.req.param('id'));
    c.header('cache-control', 'no-store');
    return renderFragment(c, <ProgressFragment job={job} />);
  });

  app.get('/audience/import/:id/compte-rendu', async (c) => {
    const view = await importReportFor(deps, c.get('actor'), c.req.param('id'));
    return renderPage(
      c,
      { title: `Compte rendu : ${view.job.filename}`, area: 'audience' },
      <ReportPage job={view.job} rejected={view.rejected} settled={view.settled} />,
    );
  });

  app.get('/audience/import/:id/compte-rendu.csv', async (c) => {
    const view = await importReportFor(deps, c.get('actor'), c.req.param('id'));
    const name = `compte-rendu-import-${view.job.createdAt.slice(0, 10)}.csv`;
    return c.body(importReportCsv(view), 200, {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${name}"`,
      'cache-control': 'no-store',
    });
  });

  return app;
}

import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import type { AppDeps } from '../../../app/deps';
import { listMedia } from '../../../app/list-media';
import { listReleasesPage, releaseFiltersFrom } from '../../../app/list-releases';
import { createRelease, duplicateRelease, getRelease, updateRelease } from '../../../app/manage-releases';
import { previewUnsavedRelease } from '../../../app/preview-unsaved-release';
import { submitForReview } from '../../../app/review-release';
import { sendTestMail } from '../../../app/send-test-mail';
import { type Actor, can, ForbiddenError } from '../../../domain/actor';
import { ConflictError, DomainError, NotFoundError } from '../../../domain/errors';
import { formatFrenchTime } from '../../../domain/french-dates';
import { toLocalTime } from '../../../domain/local-time';
import { type Release, releaseContentSchema } from '../../../domain/release';
import { diffReleaseContent } from '../../../domain/release-diff';
import { awaitsApproval } from '../../../domain/review-gate';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { frenchWhen } from '../components/version-history';
import { renderFragment, renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';
import { editorJs } from './editor-script';
import { editorCss } from './editor-style';
import { type EditorModel, editorFieldPaths, ReleaseEditor } from './release-editor-view';
import {
  applyBlockAction,
  type BlockAction,
  contentToForm,
  embargoInstant,
  emptyReleaseForm,
  type FormBody,
  formToContentInput,
  parseBlockAction,
  parseReleaseForm,
  type ReleaseFormState,
} from './release-form';
import { ReleaseList } from './release-list-view';
import { PreviewFragment } from './release-preview-view';
import { BlockFieldset, blockElementId } from './repeated-blocks-view';

type Ctx = Context<WorkspaceEnv>;

const editorUrl = (id: string) => `/communiques/${encodeURIComponent(id)}`;
const text = (v: FormBody[string] | undefined) => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x : '';
};
const statusOf: Record<string, ContentfulStatusCode> = { not_found: 404, forbidden: 403, conflict: 409, invalid: 400, rate_limited: 429 };

/** What the editor shows about a stored release besides its form: status, version, who saved, review comment, history. */
async function storedParts(deps: AppDeps, release: Release): Promise<Partial<EditorModel>> {
  const comment =
    release.status === 'draft' && release.review?.comment ? { comment: release.review.comment, at: release.review.decidedAt } : undefined;
  const brand = await deps.store.getBrand(release.content.brandId);
  return {
    releaseId: release.id,
    action: editorUrl(release.id),
    sendable: brand !== undefined && !awaitsApproval(brand, release.status),
    version: release.version,
    status: release.status,
    savedAt: release.updatedAt,
    savedBy: release.updatedBy?.name,
    reviewComment: comment,
    history: await deps.store.listReleaseVersions(release.id),
  };
}

/**
 * Communiqués: the list, new (blank or event), duplicate, and the editor with its live preview,
 * autosave, test send and submission. Routes only map forms to use-cases and use-cases' answers
 * (and errors) to pages; the rules are the use-cases'.
 */
export function releasePages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const auth = requireUser();

  /** The library's newest files, suggested in the image and attachment fields. */
  const mediaChoices = async (d: AppDeps, actor: Actor) =>
    (await listMedia(d, actor, { limit: 200 })).items.map((m) => ({
      url: m.url,
      label: m.alt ? `${m.filename} — ${m.alt}` : m.filename,
      kind: m.kind,
    }));

  const brandsList = async () => (await deps.store.listBrands()).map((b) => ({ id: b.id, name: b.name }));

  async function editorPage(
    c: Ctx,
    parts: Partial<EditorModel> & { form: ReleaseFormState; action: string },
    status: ContentfulStatusCode = 200,
  ) {
    const actor = c.get('actor');
    const model: EditorModel = {
      brands: await brandsList(),
      canWrite: can(actor, 'release:write'),
      canReview: can(actor, 'release:review'),
      canSend: can(actor, 'campaign:send'),
      media: can(actor, 'release:write') ? await mediaChoices(deps, actor) : [],
      userEmail: c.get('user').email,
      csrfToken: c.get('csrfToken'),
      nonce: c.get('nonce'),
      preview:
        parts.preview !== undefined
          ? parts.preview
          : await previewUnsavedRelease(deps, parts.releaseId, formToContentInput(parts.form).input),
      ...parts,
    };
    const title = parts.releaseId ? parts.form.fields.title.trim() || 'Communiqué sans titre' : 'Nouveau communiqué';
    return renderPage(c, { title, area: 'releases', status }, <ReleaseEditor {...model} />);
  }

  /** The stored release's editor with an error from an action (test send, submission), the form as stored. */
  async function editorWithError(c: Ctx, id: string, error: DomainError) {
    const release = await getRelease(deps, id);
    return editorPage(
      c,
      {
        ...(await storedParts(deps, release)),
        form: contentToForm(release.content),
        action: editorUrl(id),
        errors: [{ field: '', message: error.message }],
      },
      statusOf[error.code] ?? 400,
    );
  }

  /** An add/remove/move or "refresh": the form again, unsaved; htmx gets the block alone. */
  async function reshape(
    c: Ctx,
    form: ReleaseFormState,
    action: BlockAction | undefined,
    frame: Partial<EditorModel> & { action: string },
  ) {
    const { state, focus } = action ? applyBlockAction(form, action) : { state: form, focus: undefined };
    if (action && c.req.header('hx-request') && c.req.header('hx-target') === blockElementId(action.block)) {
      return renderFragment(
        c,
        <BlockFieldset block={action.block} rows={state.blocks[action.block]} action={frame.action} focus={focus ?? -1} enabled />,
      );
    }
    return editorPage(c, {
      ...frame,
      form: state,
      unsaved: true,
      focus: action ? { block: action.block, index: focus ?? -1 } : undefined,
    });
  }

  app.get('/communiques/editeur.js', (c) => c.body(editorJs, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/communiques/editeur.css', (c) => c.body(editorCss, 200, { 'content-type': 'text/css; charset=utf-8' }));

  app.get('/communiques', auth, async (c) => {
    const query = c.req.query();
    const filters = releaseFiltersFrom(query);
    const page = await listReleasesPage(deps, filters, { cursor: query.apres || undefined });
    const brands = await deps.store.listBrands();
    const actor = c.get('actor');
    const brandById = new Map(brands.map((b) => [b.id, b]));
    // The rows whose release passes the review gate, for who may send.
    const sendableIds = can(actor, 'campaign:send')
      ? new Set(
          page.items
            .filter((r) => {
              const brand = brandById.get(r.content.brandId);
              return brand !== undefined && !awaitsApproval(brand, r.status);
            })
            .map((r) => r.id),
        )
      : new Set<string>();
    const params = (extra: Record<string, string>) => {
      const p = new URLSearchParams();
      if (filters.q) p.set('q', filters.q);
      if (filters.status) p.set('statut', filters.status);
      if (filters.brandId) p.set('marque', filters.brandId);
      if (filters.kind) p.set('genre', filters.kind);
      for (const [k, v] of Object.entries(extra)) p.set(k, v);
      const s = p.toString();
      return s ? `/communiques?${s}` : '/communiques';
    };
    return renderPage(
      c,
      { title: 'Communiqués', area: 'releases' },
      <ReleaseList
        filters={filters}
        items={page.items}
        brands={brands.map((b) => ({ id: b.id, name: b.name }))}
        sendableIds={sendableIds}
        nextHref={page.cursor ? params({ apres: page.cursor }) : undefined}
        firstHref={query.apres ? params({}) : undefined}
        canWrite={can(actor, 'release:write')}
        csrfToken={c.get('csrfToken')}
      />,
    );
  });

  app.get('/communiques/nouveau', auth, async (c) => {
    const kind = c.req.query('genre') === 'evenement' ? 'event-announcement' : 'press-release';
    const brands = await brandsList();
    const form = emptyReleaseForm(kind, brands[0]?.id ?? '');
    return editorPage(c, { form, action: '/communiques/nouveau', preview: null });
  });

  app.post('/communiques/nouveau', auth, async (c) => {
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const form = parseReleaseForm(body);
    const verb = text(body._action) || 'save';
    const action = parseBlockAction(verb);
    const frame = { action: '/communiques/nouveau' };
    if (action || verb === 'refresh') return reshape(c, form, action, frame);
    const { input, errors } = formToContentInput(form);
    const ambiguous = Boolean(embargoInstant(form.fields.embargoLocal, form.fields.embargoAmbiguity).ambiguous);
    if (errors.length > 0) return editorPage(c, { ...frame, form, errors, embargoAmbiguous: ambiguous }, 400);
    try {
      const created = await createRelease(deps, input, c.get('actor'));
      setNotice(c, 'Communiqué créé (version 1, brouillon).');
      return c.redirect(editorUrl(created.id), 303);
    } catch (e: unknown) {
      if (e instanceof ForbiddenError) throw e;
      const fieldErrors = fieldErrorsOf(e);
      if (!fieldErrors) throw e;
      return editorPage(c, { ...frame, form, errors: fieldErrors }, 400);
    }
  });

  app.get('/communiques/:id', auth, async (c) => {
    const release = await getRelease(deps, c.req.param('id'));
    return editorPage(c, { ...(await storedParts(deps, release)), form: contentToForm(release.content), action: editorUrl(release.id) });
  });

  app.post('/communiques/:id', auth, async (c) => {
    const id = c.req.param('id');
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const form = parseReleaseForm(body);
    const verb = text(body._action) || 'save';
    const typedVersion = /^\d{1,9}$/.test(text(body.version)) ? Number(text(body.version)) : undefined;
    const stored = await deps.store.getRelease(id);
    // The page's frame: the release as stored now, but the form as typed (nothing typed is lost).
    const frame: Partial<EditorModel> & { action: string } = stored
      ? { ...(await storedParts(deps, stored)), version: typedVersion ?? stored.version, action: editorUrl(id) }
      : { releaseId: id, action: editorUrl(id), version: typedVersion, gone: true };
    if (!stored) {
      // Deleted (or never existed) while being edited: say so, keep the text, offer to save it as new.
      return editorPage(c, { ...frame, form }, 404);
    }
    const action = parseBlockAction(verb);
    if (action || verb === 'refresh') return reshape(c, form, action, frame);

    const overwrite = /^overwrite:(\d{1,9})$/.exec(verb);
    const expected = overwrite ? Number(overwrite[1]) : typedVersion;
    if (expected === undefined) {
      return editorPage(
        c,
        { ...frame, form, errors: [{ field: '', message: 'La version du formulaire manque : rechargez la page avant d’enregistrer.' }] },
        400,
      );
    }
    const { input, errors } = formToContentInput(form);
    const ambiguous = Boolean(embargoInstant(form.fields.embargoLocal, form.fields.embargoAmbiguity).ambiguous);
    if (errors.length > 0) return editorPage(c, { ...frame, form, errors, embargoAmbiguous: ambiguous }, 400);
    try {
      const saved = await updateRelease(deps, id, input, expected, c.get('actor'));
      const back = saved.status !== stored.status ? ' Il est repassé en brouillon : soumettez-le de nouveau à la relecture.' : '';
      setNotice(c, `Communiqué enregistré (version ${saved.version}).${back}`);
      return c.redirect(editorUrl(id), 303);
    } catch (e: unknown) {
      if (e instanceof ForbiddenError) throw e;
      if (e instanceof NotFoundError) return editorPage(c, { ...frame, form, gone: true }, 404);
      if (e instanceof ConflictError) {
        const current = await deps.store.getRelease(id);
        if (!current) return editorPage(c, { ...frame, form, gone: true }, 404);
        if (current.version !== expected) {
          // Someone saved meanwhile: who, when, and the difference (theirs → yours), instead of overwriting.
          const mine = releaseContentSchema.safeParse(input);
          const conflict = {
            by: current.updatedBy?.name,
            at: current.updatedAt,
            version: current.version,
            // Theirs as stored, yours as it would be stored (trimmed, defaults) when it is valid, else as typed.
            changes: diffReleaseContent(current.content, mine.success ? mine.data : input),
          };
          return editorPage(c, { ...frame, version: expected, form, conflict }, 409);
        }
        return editorPage(c, { ...frame, form, errors: [{ field: '', message: e.message }] }, 409);
      }
      const fieldErrors: FieldError[] | undefined = fieldErrorsOf(e);
      if (!fieldErrors) throw e;
      return editorPage(c, { ...frame, form, errors: fieldErrors }, 400);
    }
  });

  /** The live preview: the form as typed, unsaved, rendered by the campaign's renderer. */
  app.post('/communiques/:id/apercu', auth, async (c) => {
    const id = c.req.param('id');
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const form = parseReleaseForm(body);
    const { input, errors } = formToContentInput(form);
    const preview =
      errors.length > 0
        ? { ok: false as const, problems: errors }
        : await previewUnsavedRelease(deps, id === 'nouveau' ? undefined : id, input);
    const shownBefore = text(body._liveErrors).split(/\s+/).filter(Boolean);
    return renderFragment(
      c,
      <PreviewFragment
        preview={preview}
        isEvent={form.fields.kind === 'event-announcement'}
        shownBefore={shownBefore}
        fields={editorFieldPaths(form)}
      />,
    );
  });

  /** htmx only: a draft saves itself after a pause in typing; answers a one-line status and the new version (out of band). */
  app.post('/communiques/:id/enregistrement-auto', auth, async (c) => {
    const id = c.req.param('id');
    const body = (await c.req.parseBody({ all: true })) as FormBody;
    const typed = text(body.version);
    const version = /^\d{1,9}$/.test(typed) ? Number(typed) : undefined;
    const status = (message: string) => renderFragment(c, message);
    const current = await deps.store.getRelease(id);
    if (!current) return status('Non enregistré : ce communiqué n’existe plus. Votre texte reste dans le formulaire.');
    if (current.status !== 'draft') return status('Enregistrement automatique réservé aux brouillons : utilisez « Enregistrer ».');
    const someoneElse = (r: Release) =>
      `Non enregistré automatiquement : ${r.updatedBy?.name ?? 'une autre personne'} a enregistré la version ${r.version} ${frenchWhen(r.updatedAt)}. Cliquez « Enregistrer » pour comparer vos versions.`;
    if (version === undefined || current.version !== version) return status(someoneElse(current));
    const { input, errors } = formToContentInput(parseReleaseForm(body));
    if (errors.length > 0) return status('Brouillon non enregistré : l’heure d’embargo est à préciser.');
    try {
      const saved = await updateRelease(deps, id, input, version, c.get('actor'));
      const at = formatFrenchTime(toLocalTime(new Date(saved.updatedAt), 'Europe/Paris'));
      return renderFragment(
        c,
        <>
          Enregistré à {at} (version {saved.version})
          <input type="hidden" id="version-enregistree" name="version" value={String(saved.version)} hx-swap-oob="true" />
        </>,
      );
    } catch (e: unknown) {
      if (e instanceof ForbiddenError) throw e;
      if (e instanceof ConflictError) {
        const now = await deps.store.getRelease(id);
        return status(now ? someoneElse(now) : 'Non enregistré : ce communiqué n’existe plus.');
      }
      const fieldErrors = fieldErrorsOf(e);
      if (!fieldErrors) throw e;
      return status(
        `Brouillon non enregistré : ${fieldErrors.length > 1 ? `${fieldErrors.length} champs sont à corriger` : 'un champ est à corriger'} (voir l’aperçu).`,
      );
    }
  });

  app.post('/communiques/:id/envoi-test', auth, async (c) => {
    const id = c.req.param('id');
    try {
      // The signed-in person with their own address: test sends go there (or to an admin's allow-list).
      const tester = Object.assign({}, c.get('actor'), { email: c.get('user').email });
      const sent = await sendTestMail(deps, { releaseId: id, to: tester.email }, tester);
      setNotice(c, `Mail de test envoyé à ${sent.to} (dernière version enregistrée).`);
      return c.redirect(editorUrl(id), 303);
    } catch (e: unknown) {
      if (e instanceof ForbiddenError || e instanceof NotFoundError || !(e instanceof DomainError)) throw e;
      return editorWithError(c, id, new DomainError(e.code, `Envoi de test impossible : ${e.message}`));
    }
  });

  app.post('/communiques/:id/soumettre', auth, async (c) => {
    const id = c.req.param('id');
    try {
      const submitted = await submitForReview(deps, c.get('actor'), id);
      setNotice(c, `Communiqué soumis à la relecture (version ${submitted.version}).`);
      return c.redirect(editorUrl(id), 303);
    } catch (e: unknown) {
      if (e instanceof ForbiddenError || e instanceof NotFoundError || !(e instanceof DomainError)) throw e;
      return editorWithError(c, id, e);
    }
  });

  app.post('/communiques/:id/dupliquer', auth, async (c) => {
    const copy = await duplicateRelease(deps, c.req.param('id'), c.get('actor'));
    setNotice(c, 'Copie créée : un nouveau brouillon, à modifier.');
    return c.redirect(editorUrl(copy.id), 303);
  });

  return app;
}

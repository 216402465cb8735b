import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { estimateAudience } from '../../../app/estimate-audience';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment } from '../../../app/manage-segments';
import { assertCan, can, ForbiddenError } from '../../../domain/actor';
import { isEmptyFilter, type Segment, segmentFilterSchema } from '../../../domain/segment';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderFragment, renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { setNotice } from '../workspace-security';
import {
  DeleteSegmentPage,
  type SegmentDraft,
  SegmentForm,
  SegmentPage,
  SegmentPreview,
  SegmentsIndexPage,
  segmentPath,
  segmentsPath,
} from './segments-pages';

const one = (v: unknown) =>
  typeof v === 'string' ? v : Array.isArray(v) && typeof v[v.length - 1] === 'string' ? (v[v.length - 1] as string) : '';
const many = (v: unknown) => (typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const splitList = (text: string | undefined) =>
  (text ?? '')
    .split(/[,;]/)
    .map((s) => s.trim())
    .filter(Boolean);

/** The form (or the query of the live count) as typed. */
const draftOf = (form: Record<string, unknown>): SegmentDraft => ({
  name: one(form.name),
  mediumTypes: many(form.mediumTypes).filter(Boolean),
  departments: one(form.departments),
  tags: one(form.tags),
  tagsMode: one(form.tagsMode) || 'any',
  outletContains: one(form.outletContains),
  language: one(form.language),
});

/** What the use-case reads: empty criteria left out, so that only what was filled in counts. */
function inputOf(d: SegmentDraft) {
  const departments = splitList(d.departments);
  const tags = splitList(d.tags);
  return {
    name: d.name ?? '',
    filter: {
      ...(d.mediumTypes?.length ? { mediumTypes: [...d.mediumTypes] } : {}),
      ...(departments.length ? { departments } : {}),
      ...(tags.length ? { tags, tagsMode: d.tagsMode === 'all' ? 'all' : 'any' } : {}),
      ...(d.outletContains?.trim() ? { outletContains: d.outletContains.trim() } : {}),
      ...(d.language?.trim() ? { language: d.language.trim() } : {}),
    },
  };
}

const draftFrom = (g: Segment): SegmentDraft => ({
  name: g.name,
  mediumTypes: g.filter.mediumTypes ?? [],
  departments: (g.filter.departments ?? []).join(', '),
  tags: (g.filter.tags ?? []).join(', '),
  tagsMode: g.filter.tagsMode ?? 'any',
  outletContains: g.filter.outletContains ?? '',
  language: g.filter.language ?? '',
});

/** `filter.departments.2` is shown on the départements field: one input holds them all. */
const onFields = (errors: readonly FieldError[]) => errors.map((e) => ({ ...e, field: e.field.replace(/(\.\d+)+$/, '') }));

/** Who the criteria match among the confirmed, reachable members of every list (the form's live count). */
async function previewOf(deps: AppDeps, d: SegmentDraft) {
  const parsed = segmentFilterSchema.safeParse(inputOf(d).filter);
  if (!parsed.success || isEmptyFilter(parsed.data)) return { empty: true };
  const lists = await deps.store.listLists();
  return {
    empty: false,
    estimate: await estimateAudience(
      deps,
      lists.map((l) => l.id),
      parsed.data,
    ),
  };
}

async function formPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  o: {
    title: string;
    action: string;
    submit: string;
    draft: SegmentDraft;
    back: string;
    errors?: readonly FieldError[];
    status?: 200 | 400;
  },
) {
  return renderPage(
    c,
    { title: o.title, area: 'audience', status: o.status ?? 200 },
    <>
      <p>
        <a href={o.back}>Retour</a>
      </p>
      <h1>{o.title}</h1>
      <SegmentForm
        action={o.action}
        submit={o.submit}
        draft={o.draft}
        csrfToken={c.get('csrfToken')}
        errors={o.errors}
        preview={await previewOf(deps, o.draft)}
      />
    </>,
  );
}

/** Segments in the audience area: list, create, a segment with who it reaches per list, edit, delete (confirmation page). */
export function segmentPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const newForm = { title: 'Nouveau segment', action: segmentsPath, submit: 'Créer le segment', back: segmentsPath };

  app.get(segmentsPath, async (c) => {
    const segments = await listSegments(deps, c.get('actor'));
    return renderPage(
      c,
      { title: 'Segments', area: 'audience' },
      <SegmentsIndexPage segments={segments} canManage={can(c.get('actor'), 'audience:manage')} />,
    );
  });

  app.get(`${segmentsPath}/nouveau`, (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    return formPage(c, deps, { ...newForm, draft: { tagsMode: 'any' } });
  });

  // The live count under the form (htmx), from the fields as typed so far.
  app.get(`${segmentsPath}/apercu`, async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    return renderFragment(c, <SegmentPreview {...(await previewOf(deps, draftOf(c.req.queries() as Record<string, unknown>)))} />);
  });

  app.post(segmentsPath, async (c) => {
    const draft = draftOf(await c.req.parseBody({ all: true }));
    try {
      const segment = await createSegment(deps, c.get('actor'), inputOf(draft));
      setNotice(c, `Segment « ${segment.name} » créé.`);
      return c.redirect(segmentPath(segment.id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError) throw e;
      return formPage(c, deps, { ...newForm, draft, errors: onFields(errors), status: 400 });
    }
  });

  app.get(`${segmentsPath}/:id`, async (c) => {
    const segment = await getSegment(deps, c.get('actor'), c.req.param('id'));
    const lists = await deps.store.listLists();
    const reach = await Promise.all(
      lists.map(async (list) => ({ list, estimate: await estimateAudience(deps, [list.id], segment.filter) })),
    );
    return renderPage(
      c,
      { title: `Segment : ${segment.name}`, area: 'audience' },
      <SegmentPage segment={segment} reach={reach} canManage={can(c.get('actor'), 'audience:manage')} />,
    );
  });

  app.get(`${segmentsPath}/:id/modifier`, async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    const segment = await getSegment(deps, c.get('actor'), c.req.param('id'));
    const path = segmentPath(segment.id);
    return formPage(c, deps, {
      title: `Modifier le segment ${segment.name}`,
      action: `${path}/modifier`,
      submit: 'Enregistrer',
      draft: draftFrom(segment),
      back: path,
    });
  });

  app.post(`${segmentsPath}/:id/modifier`, async (c) => {
    const id = c.req.param('id');
    const draft = draftOf(await c.req.parseBody({ all: true }));
    try {
      const segment = await updateSegment(deps, c.get('actor'), id, inputOf(draft));
      setNotice(c, `Segment « ${segment.name} » enregistré.`);
      return c.redirect(segmentPath(id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError || (e as { code?: string }).code === 'not_found') throw e;
      const path = segmentPath(id);
      return formPage(c, deps, {
        title: 'Modifier le segment',
        action: `${path}/modifier`,
        submit: 'Enregistrer',
        draft,
        back: path,
        errors: onFields(errors),
        status: 400,
      });
    }
  });

  app.get(`${segmentsPath}/:id/supprimer`, async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    const segment = await getSegment(deps, c.get('actor'), c.req.param('id'));
    return renderPage(
      c,
      { title: `Supprimer le segment ${segment.name}`, area: 'audience' },
      <DeleteSegmentPage segment={segment} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post(`${segmentsPath}/:id/supprimer`, async (c) => {
    const segment = await deleteSegment(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Segment « ${segment.name} » supprimé.`);
    return c.redirect(segmentsPath, 303);
  });

  return app;
}

import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { listMembersView, listSummaries } from '../../../app/list-members';
import { createListAs, updateListAs } from '../../../app/manage-lists';
import { assertCan, can, ForbiddenError } from '../../../domain/actor';
import { type SubscriptionStatus, subscriptionStatuses } from '../../../domain/audience';
import { NotFoundError } from '../../../domain/errors';
import type { MemberFilter } from '../../../domain/member-filter';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { setNotice } from '../workspace-security';
import { listPath } from './audience-labels';
import { AudienceIndexPage, type ListDraft, ListForm, ListPage } from './list-pages';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** The form as the use-case reads it: unchecked boxes are absent, "no brand" is no brand. */
const draftOf = (form: Record<string, unknown>): ListDraft => ({
  name: field(form, 'name'),
  description: field(form, 'description'),
  kind: field(form, 'kind'),
  optIn: field(form, 'optIn'),
  publicSignup: field(form, 'publicSignup') === 'oui',
  brandId: field(form, 'brandId') || undefined,
});

function memberFilterOf(q: (name: string) => string | undefined): MemberFilter {
  const status = q('statut');
  const tags = (q('etiquettes') ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter(Boolean);
  return {
    search: q('q')?.trim() || undefined,
    status: subscriptionStatuses.includes(status as SubscriptionStatus) ? (status as SubscriptionStatus) : undefined,
    medium: q('media') || undefined,
    department: q('departement')?.trim() || undefined,
    tags: tags.length > 0 ? tags : undefined,
  };
}

async function formPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  options: {
    title: string;
    action: string;
    submit: string;
    draft: ListDraft;
    back: string;
    errors?: readonly FieldError[];
    status?: 200 | 400 | 409;
  },
) {
  const brands = await deps.store.listBrands();
  return renderPage(
    c,
    { title: options.title, area: 'audience', status: options.status ?? 200 },
    <>
      <p>
        <a href={options.back}>Retour</a>
      </p>
      <h1>{options.title}</h1>
      <ListForm
        action={options.action}
        submit={options.submit}
        draft={options.draft}
        brands={brands}
        csrfToken={c.get('csrfToken')}
        errors={options.errors}
      />
    </>,
  );
}

const statusOf = (e: unknown) => ((e as { code?: string }).code === 'conflict' ? 409 : 400);

/** Audience (index of lists), a list with its members, creating and editing a list. */
export function listPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  app.get('/audience', async (c) => {
    const lists = await listSummaries(deps, c.get('actor'));
    return renderPage(
      c,
      { title: 'Audience', area: 'audience' },
      <AudienceIndexPage lists={lists} canManage={can(c.get('actor'), 'audience:manage')} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.get('/audience/listes/nouvelle', (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    return formPage(c, deps, {
      title: 'Nouvelle liste',
      action: '/audience/listes',
      submit: 'Créer la liste',
      draft: { kind: 'press', optIn: 'double' },
      back: '/audience',
    });
  });

  app.post('/audience/listes', async (c) => {
    const draft = draftOf(await c.req.parseBody());
    try {
      const list = await createListAs(deps, c.get('actor'), draft);
      setNotice(c, `Liste « ${list.name} » créée.`);
      return c.redirect(listPath(list.id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError) throw e;
      return formPage(c, deps, {
        title: 'Nouvelle liste',
        action: '/audience/listes',
        submit: 'Créer la liste',
        draft,
        back: '/audience',
        errors,
        status: statusOf(e),
      });
    }
  });

  app.get('/audience/listes/:id', async (c) => {
    const view = await listMembersView(
      deps,
      c.get('actor'),
      c.req.param('id'),
      memberFilterOf((n) => c.req.query(n)),
      c.req.query('curseur') || undefined,
    );
    const brand = view.list.brandId ? await deps.store.getBrand(view.list.brandId) : undefined;
    return renderPage(
      c,
      { title: `Liste : ${view.list.name}`, area: 'audience' },
      <ListPage view={view} canManage={can(c.get('actor'), 'audience:manage')} brandName={brand?.name} />,
    );
  });

  app.get('/audience/listes/:id/modifier', async (c) => {
    assertCan(c.get('actor'), 'audience:manage');
    const id = c.req.param('id');
    const list = await deps.store.getList(id);
    if (!list) throw new NotFoundError('Liste', id);
    return formPage(c, deps, {
      title: `Modifier la liste ${list.name}`,
      action: `${listPath(id)}/modifier`,
      submit: 'Enregistrer',
      draft: list,
      back: listPath(id),
    });
  });

  app.post('/audience/listes/:id/modifier', async (c) => {
    const id = c.req.param('id');
    const draft = draftOf(await c.req.parseBody());
    try {
      const list = await updateListAs(deps, c.get('actor'), id, draft);
      setNotice(c, `Liste « ${list.name} » enregistrée.`);
      return c.redirect(listPath(id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError || (e as { code?: string }).code === 'not_found') throw e;
      return formPage(c, deps, {
        title: 'Modifier la liste',
        action: `${listPath(id)}/modifier`,
        submit: 'Enregistrer',
        draft,
        back: listPath(id),
        errors,
        status: statusOf(e),
      });
    }
  });

  return app;
}

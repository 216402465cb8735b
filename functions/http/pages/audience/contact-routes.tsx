import { type Context, Hono } from 'hono';
import {
  addContactToList,
  contactFileView,
  contactForAction,
  eraseContact,
  exportContactFile,
  removeContactFromList,
  updateContactProfile,
} from '../../../app/contact-file';
import type { AppDeps } from '../../../app/deps';
import { listSummaries } from '../../../app/list-members';
import { assertCan, can, ForbiddenError } from '../../../domain/actor';
import { normaliseEmail } from '../../../domain/email-address';
import { ConflictError, NotFoundError, ValidationError } from '../../../domain/errors';
import { type FieldError, fieldErrorsOf } from '../components/forms';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { setNotice } from '../workspace-security';
import { contactPath } from './audience-labels';
import { ContactPage, contactTitle, ErasePage, type ProfileDraft, ProfilePage, profileDraftOf, RemoveFromListPage } from './contact-pages';
import { AudienceIndexPage } from './list-pages';

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');
const statusOf = (e: unknown) => ((e as { code?: string }).code === 'conflict' ? 409 : 400);

/** The profile form as the schema reads it: empty fields absent, tags split on commas. */
function profileInput(d: ProfileDraft) {
  const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  return {
    name: text(d.name),
    organisation: text(d.organisation),
    role: text(d.role),
    outlet: text(d.outlet),
    mediumType: text(d.mediumType),
    department: text(d.department),
    tags: (d.tags ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    language: text(d.language) ?? 'fr',
  };
}

async function contactPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  id: string,
  extra: { errors?: readonly FieldError[]; draft?: { listId?: string; basis?: string }; status?: 200 | 400 | 409 } = {},
) {
  const file = await contactFileView(deps, c.get('actor'), id);
  return renderPage(
    c,
    { title: contactTitle(file.subscriber), area: 'audience', status: extra.status ?? 200 },
    <ContactPage
      file={file}
      canManage={can(c.get('actor'), 'audience:manage')}
      csrfToken={c.get('csrfToken')}
      errors={extra.errors}
      draft={extra.draft}
    />,
  );
}

/** A contact's page (the press file) and its actions: profile, lists, GDPR export and erasure. */
export function contactPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();

  // Finding a contact by address: straight to their page, or back to the audience with a French message.
  app.get('/audience/contacts', async (c) => {
    assertCan(c.get('actor'), 'audience:read');
    const typed = c.req.query('adresse')?.trim() ?? '';
    let email: string | undefined;
    try {
      email = normaliseEmail(typed);
    } catch (e: unknown) {
      if (!(e instanceof ValidationError)) throw e;
    }
    const found = email ? await deps.store.getSubscriberByEmail(email) : undefined;
    if (found) return c.redirect(contactPath(found.id), 303);
    const lists = await listSummaries(deps, c.get('actor'));
    return renderPage(
      c,
      { title: 'Audience', area: 'audience', status: 404 },
      <AudienceIndexPage
        lists={lists}
        canManage={can(c.get('actor'), 'audience:manage')}
        csrfToken={c.get('csrfToken')}
        contactSearch={typed}
        notFound
      />,
    );
  });

  app.get('/audience/contacts/:id', (c) => contactPage(c, deps, c.req.param('id')));

  app.get('/audience/contacts/:id/profil', async (c) => {
    const subscriber = await contactForAction(deps, c.get('actor'), c.req.param('id'));
    if ((subscriber as { erasedAt?: string }).erasedAt) throw new ConflictError('Ce contact a été effacé : il n’y a plus rien à modifier.');
    return renderPage(
      c,
      { title: 'Modifier le profil', area: 'audience' },
      <ProfilePage subscriber={subscriber} draft={profileDraftOf(subscriber)} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/contacts/:id/profil', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const draft: ProfileDraft = Object.fromEntries(
      ['name', 'organisation', 'role', 'outlet', 'mediumType', 'department', 'tags', 'language'].map((k) => [k, field(form, k)]),
    );
    try {
      await updateContactProfile(deps, c.get('actor'), id, profileInput(draft));
      setNotice(c, 'Profil enregistré.');
      return c.redirect(contactPath(id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError || e instanceof NotFoundError) throw e;
      const subscriber = await contactForAction(deps, c.get('actor'), id);
      // Tag errors come back as `tags.3`: they land on the one tags field.
      const mapped = errors.map((x) => ({ ...x, field: x.field.startsWith('tags') ? 'tags' : x.field }));
      return renderPage(
        c,
        { title: 'Modifier le profil', area: 'audience', status: statusOf(e) },
        <ProfilePage subscriber={subscriber} draft={draft} csrfToken={c.get('csrfToken')} errors={mapped} />,
      );
    }
  });

  app.post('/audience/contacts/:id/listes', async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    const draft = { listId: field(form, 'listId'), basis: field(form, 'basis') };
    try {
      const { list, outcome } = await addContactToList(deps, c.get('actor'), id, draft);
      setNotice(
        c,
        outcome === 'added'
          ? `Contact inscrit à la liste « ${list.name} ».`
          : outcome === 'confirmation-sent'
            ? `Un courriel de confirmation a été envoyé : le contact sera inscrit à « ${list.name} » quand il aura cliqué le lien.`
            : `Le contact est en attente de confirmation pour « ${list.name} » (un courriel de confirmation lui a déjà été envoyé récemment).`,
      );
      return c.redirect(`${contactPath(id)}#listes`, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || e instanceof ForbiddenError || e instanceof NotFoundError) throw e;
      return contactPage(c, deps, id, { errors: errors.map((x) => ({ ...x, field: x.field || 'listId' })), draft, status: statusOf(e) });
    }
  });

  app.get('/audience/contacts/:id/listes/:listId/retirer', async (c) => {
    const subscriber = await contactForAction(deps, c.get('actor'), c.req.param('id'));
    const listId = c.req.param('listId');
    const list = await deps.store.getList(listId);
    if (!list || !(await deps.store.getMembership(listId, subscriber.id))) throw new NotFoundError('Inscription', listId);
    return renderPage(
      c,
      { title: 'Retirer d’une liste', area: 'audience' },
      <RemoveFromListPage subscriber={subscriber} listName={list.name} listId={listId} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/contacts/:id/listes/:listId/retirer', async (c) => {
    const id = c.req.param('id');
    const list = await removeContactFromList(deps, c.get('actor'), id, c.req.param('listId'));
    setNotice(c, `Contact retiré de la liste « ${list.name} ».`);
    return c.redirect(`${contactPath(id)}#listes`, 303);
  });

  app.get('/audience/contacts/:id/export.json', async (c) => {
    const id = c.req.param('id');
    const file = await exportContactFile(deps, c.get('actor'), id);
    return c.body(JSON.stringify(file, null, 2), 200, {
      'content-type': 'application/json; charset=utf-8',
      'content-disposition': `attachment; filename="contact-${id.replace(/[^A-Za-z0-9_-]/g, '')}.json"`,
    });
  });

  app.get('/audience/contacts/:id/effacer', async (c) => {
    const subscriber = await contactForAction(deps, c.get('actor'), c.req.param('id'));
    if ((subscriber as { erasedAt?: string }).erasedAt) throw new ConflictError('Ce contact a été effacé : il n’y a plus rien à modifier.');
    return renderPage(
      c,
      { title: 'Effacer un contact', area: 'audience' },
      <ErasePage subscriber={subscriber} csrfToken={c.get('csrfToken')} />,
    );
  });

  app.post('/audience/contacts/:id/effacer', async (c) => {
    const id = c.req.param('id');
    await eraseContact(deps, c.get('actor'), id);
    setNotice(c, 'Contact effacé. Son adresse reste bloquée, sous forme d’empreinte seulement.');
    return c.redirect(contactPath(id), 303);
  });

  return app;
}

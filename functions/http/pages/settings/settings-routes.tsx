import { type Context, Hono } from 'hono';
import type { AppDeps } from '../../../app/deps';
import { inviteUser, resendInvitation } from '../../../app/invite-user';
import { changeUserRole, deactivateUser, getUserAccount, listUsers, reactivateUser } from '../../../app/manage-users';
import { can, roles } from '../../../domain/actor';
import type { UserAccount, UserStatus } from '../../../domain/user-account';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldErrorsOf, SelectField, TextField } from '../components/forms';
import { roleLabels } from '../components/layout';
import { renderPage } from '../render-page';
import type { WorkspaceEnv } from '../workspace-env';
import { requireUser, setNotice } from '../workspace-security';

export const statusLabels: Record<UserStatus, string> = {
  active: 'actif',
  invited: 'invitation en attente',
  deactivated: 'désactivé',
};

const roleOptions = roles.map((r) => ({ value: r, label: roleLabels[r] ?? r }));
const usersPath = '/reglages/utilisateurs';
const userPath = (id: string) => `${usersPath}/${encodeURIComponent(id)}`;
const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

/** The settings sections; the next issue adds audience, media and brand settings here. */
function SettingsIndex(props: { isAdmin: boolean; canReadAudit: boolean }) {
  return (
    <>
      <h1>Réglages</h1>
      {props.isAdmin ? (
        <ul class="cards">
          <li class="card">
            <h2>
              <a href={usersPath}>Utilisateurs</a>
            </h2>
            <p>Inviter une personne, changer son rôle, désactiver un compte.</p>
          </li>
          <li class="card">
            <h2>
              <a href="/reglages/jetons">Jetons d’API</a>
            </h2>
            <p>Créer un jeton avec un rôle et une durée, voir ses usages, le révoquer.</p>
          </li>
          <li class="card">
            <h2>
              <a href="/reglages/marques">Marques</a>
            </h2>
            <p>Nom, logo, couleurs, expéditeur, adresse postale, mentions légales et informations RGPD de chaque émetteur.</p>
          </li>
        </ul>
      ) : (
        <p>Les réglages de l’espace de travail sont réservés aux administrateurs.</p>
      )}
      {props.canReadAudit ? (
        <p>
          <a href="/reglages/journal">Journal d’audit</a> : qui a fait quoi, par personne, action et mois ; exportable.
        </p>
      ) : null}
    </>
  );
}

interface InviteDraft {
  readonly name?: string;
  readonly email?: string;
  readonly role?: string;
}

function UsersPage(props: { users: readonly UserAccount[]; csrfToken: string; draft?: InviteDraft; errors?: readonly FieldError[] }) {
  return (
    <>
      <p>
        <a href="/reglages">Réglages</a>
      </p>
      <h1>Utilisateurs</h1>
      <table>
        <caption>Comptes de l’espace de travail ({props.users.length})</caption>
        <thead>
          <tr>
            <th scope="col">Nom</th>
            <th scope="col">Adresse e-mail</th>
            <th scope="col">Rôle</th>
            <th scope="col">État</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <th scope="row">{u.name}</th>
              <td>{u.email}</td>
              <td>{roleLabels[u.role] ?? u.role}</td>
              <td>
                <span class={`status status-${u.status}`}>{statusLabels[u.status]}</span>
              </td>
              <td>
                <a href={userPath(u.id)}>
                  Gérer<span class="visually-hidden"> le compte de {u.name}</span>
                </a>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <h2 id="inviter">Inviter une personne</h2>
      <p class="hint">Elle reçoit un lien valable 48 heures pour choisir son mot de passe.</p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={usersPath} novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField
          name="name"
          label="Nom et prénom"
          value={props.draft?.name}
          maxlength={120}
          error={errorFor(props.errors, 'name')}
          required
        />
        <TextField
          name="email"
          label="Adresse e-mail"
          type="email"
          value={props.draft?.email}
          error={errorFor(props.errors, 'email')}
          autocomplete="off"
          required
        />
        <SelectField
          name="role"
          label="Rôle"
          value={props.draft?.role ?? 'editor'}
          options={roleOptions}
          error={errorFor(props.errors, 'role')}
          required
        />
        <button type="submit">Envoyer l’invitation</button>
      </form>
    </>
  );
}

function UserPage(props: { user: UserAccount; csrfToken: string; errors?: readonly FieldError[]; self: boolean }) {
  const u = props.user;
  return (
    <>
      <p>
        <a href={usersPath}>Utilisateurs</a>
      </p>
      <h1>{u.name}</h1>
      <dl>
        <dt>Adresse e-mail</dt>
        <dd>{u.email}</dd>
        <dt>Rôle</dt>
        <dd>{roleLabels[u.role] ?? u.role}</dd>
        <dt>État</dt>
        <dd>{statusLabels[u.status]}</dd>
      </dl>
      <ErrorSummary errors={props.errors} />
      {u.status !== 'deactivated' ? (
        <>
          <h2>Changer le rôle</h2>
          <p class="hint">
            {props.self
              ? 'Vous serez déconnecté et devrez vous reconnecter.'
              : 'La personne est déconnectée partout et se reconnecte avec son nouveau rôle.'}
          </p>
          <form method="post" action={`${userPath(u.id)}/role`}>
            <CsrfField token={props.csrfToken} />
            <SelectField
              name="role"
              label="Nouveau rôle"
              value={u.role}
              options={roleOptions}
              error={errorFor(props.errors, 'role')}
              required
            />
            <button type="submit">Changer le rôle</button>
          </form>
        </>
      ) : null}
      {u.status === 'invited' ? (
        <>
          <h2>Invitation</h2>
          <form method="post" action={`${userPath(u.id)}/invitation`}>
            <CsrfField token={props.csrfToken} />
            <p class="hint">Un nouveau lien remplace le précédent, qui ne fonctionnera plus.</p>
            <button type="submit" class="secondary">
              Renvoyer l’invitation
            </button>
          </form>
        </>
      ) : null}
      <h2>Accès</h2>
      {u.status === 'deactivated' ? (
        <form method="post" action={`${userPath(u.id)}/reactiver`}>
          <CsrfField token={props.csrfToken} />
          <button type="submit">Réactiver le compte</button>
        </form>
      ) : (
        <p>
          <a href={`${userPath(u.id)}/desactiver`} class="button danger">
            Désactiver le compte
          </a>
        </p>
      )}
    </>
  );
}

function DeactivatePage(props: { user: UserAccount; csrfToken: string; self: boolean }) {
  const u = props.user;
  return (
    <>
      <h1>Désactiver le compte de {u.name} ?</h1>
      <p>
        {u.name} ({u.email}) ne pourra plus se connecter, et ses sessions ouvertes se ferment tout de suite.
        {props.self ? ' Il s’agit de votre propre compte : vous serez déconnecté.' : ''} Son historique reste dans le journal. Un
        administrateur peut réactiver le compte plus tard.
      </p>
      <form method="post" action={`${userPath(u.id)}/desactiver`}>
        <CsrfField token={props.csrfToken} />
        <button type="submit" class="danger">
          Désactiver le compte
        </button>{' '}
        <a href={userPath(u.id)}>Annuler</a>
      </form>
    </>
  );
}

async function usersPage(
  c: Context<WorkspaceEnv>,
  deps: AppDeps,
  draft?: InviteDraft,
  errors?: readonly FieldError[],
  status: 200 | 400 | 409 = 200,
) {
  const users = await listUsers(deps, c.get('actor'));
  return renderPage(
    c,
    { title: 'Utilisateurs', area: 'settings', status },
    <UsersPage users={users} csrfToken={c.get('csrfToken')} draft={draft} errors={errors} />,
  );
}

/** Réglages: the index of settings sections, and the users (admins only; the use-cases check). */
export function settingsPages(deps: AppDeps): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  app.use('/reglages', requireUser());
  app.use('/reglages/*', requireUser());

  app.get('/reglages', (c) =>
    renderPage(
      c,
      { title: 'Réglages', area: 'settings' },
      <SettingsIndex isAdmin={can(c.get('actor'), 'users:manage')} canReadAudit={can(c.get('actor'), 'audience:read')} />,
    ),
  );

  app.get(usersPath, (c) => usersPage(c, deps));

  app.post(usersPath, async (c) => {
    const form = await c.req.parseBody();
    const draft = { name: field(form, 'name'), email: field(form, 'email'), role: field(form, 'role') };
    try {
      const { user } = await inviteUser(deps, c.get('actor'), draft);
      setNotice(c, `Invitation envoyée à ${user.name} (${user.email}).`);
      return c.redirect(usersPath, 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      if (!errors || (e as { code?: string }).code === 'forbidden') throw e;
      return usersPage(c, deps, draft, errors, (e as { code?: string }).code === 'conflict' ? 409 : 400);
    }
  });

  app.get(`${usersPath}/:id`, async (c) => {
    const user = await getUserAccount(deps, c.get('actor'), c.req.param('id'));
    return renderPage(
      c,
      { title: user.name, area: 'settings' },
      <UserPage user={user} csrfToken={c.get('csrfToken')} self={user.id === c.get('user').id} />,
    );
  });

  app.post(`${usersPath}/:id/role`, async (c) => {
    const id = c.req.param('id');
    const form = await c.req.parseBody();
    try {
      const user = await changeUserRole(deps, c.get('actor'), id, field(form, 'role'));
      setNotice(c, `${user.name} a maintenant le rôle « ${roleLabels[user.role] ?? user.role} ». Ses sessions ont été fermées.`);
      return c.redirect(userPath(id), 303);
    } catch (e: unknown) {
      const errors = fieldErrorsOf(e);
      const code = (e as { code?: string }).code;
      if (!errors || code === 'forbidden' || code === 'not_found') throw e;
      const user = await getUserAccount(deps, c.get('actor'), id);
      return renderPage(
        c,
        { title: user.name, area: 'settings', status: code === 'conflict' ? 409 : 400 },
        <UserPage
          user={user}
          csrfToken={c.get('csrfToken')}
          errors={errors.map((x) => ({ ...x, field: x.field || 'role' }))}
          self={user.id === c.get('user').id}
        />,
      );
    }
  });

  app.post(`${usersPath}/:id/invitation`, async (c) => {
    const { user } = await resendInvitation(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Nouvelle invitation envoyée à ${user.name} (${user.email}).`);
    return c.redirect(userPath(user.id), 303);
  });

  app.get(`${usersPath}/:id/desactiver`, async (c) => {
    const user = await getUserAccount(deps, c.get('actor'), c.req.param('id'));
    return renderPage(
      c,
      { title: `Désactiver ${user.name}`, area: 'settings' },
      <DeactivatePage user={user} csrfToken={c.get('csrfToken')} self={user.id === c.get('user').id} />,
    );
  });

  app.post(`${usersPath}/:id/desactiver`, async (c) => {
    const user = await deactivateUser(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Le compte de ${user.name} est désactivé ; ses sessions sont fermées.`);
    return c.redirect(userPath(user.id), 303);
  });

  app.post(`${usersPath}/:id/reactiver`, async (c) => {
    const user = await reactivateUser(deps, c.get('actor'), c.req.param('id'));
    setNotice(c, `Le compte de ${user.name} est de nouveau ${user.status === 'active' ? 'actif' : 'en attente d’invitation'}.`);
    return c.redirect(userPath(user.id), 303);
  });

  return app;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { type Context, Hono } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { acceptInvitation, invitationAccount } from '../../../app/accept-invitation';
import type { AppDeps } from '../../../app/deps';
import { createFirstAdminAccount, FirstAccountExistsError } from '../../../app/first-admin';
import { SignInRateLimitedError, signIn } from '../../../app/sign-in';
import { signOut } from '../../../app/sign-out';
import type { OpenedSession } from '../../../app/workspace-sessions';
import { DomainError, NotFoundError } from '../../../domain/errors';
import { passwordMinLength, sessionLifetime, type UserAccount } from '../../../domain/user-account';
import { CsrfField, ErrorSummary, errorFor, type FieldError, fieldErrorsOf, TextField } from '../components/forms';
import { roleLabels } from '../components/layout';
import { renderPage } from '../render-page';
import { preSessionCookieName, sessionCookieName, type WorkspaceEnv } from '../workspace-env';
import { isHttps, setNotice } from '../workspace-security';
import { type ClientAddress, socketClientAddress } from './client-address';

export interface AuthPagesOptions {
  readonly clientAddress?: ClientAddress;
  /** The admin bearer token; when given, /connexion/premier-compte creates the first account with it. */
  readonly bootstrapToken?: string;
  /** OIDC sign-in, when configured: the sign-in page offers « Se connecter avec <fournisseur> ». */
  readonly oidc?: { readonly mapping: { readonly providerName: string } };
}

/** Attempts at the first-account page, per client, in 15 minutes: the admin token is long, but guessing is still bounded. */
export const firstAccountLimits = { windowSeconds: 15 * 60, perClient: 10 } as const;

const sameSecret = (given: string, expected: string) =>
  timingSafeEqual(createHash('sha256').update(given).digest(), createHash('sha256').update(expected).digest());

/** Where to go after signing in: only a path of this site (never `//elsewhere` or a full URL). */
/** A new password typed twice (invitation, first account): the same rules and hint everywhere. */
function NewPasswordFields(props: { errors?: readonly FieldError[] }) {
  return (
    <>
      <TextField
        name="password"
        label="Mot de passe"
        type="password"
        autocomplete="new-password"
        hint={`Au moins ${passwordMinLength} caractères. Une phrase de plusieurs mots est facile à retenir et difficile à deviner.`}
        error={errorFor(props.errors, 'password')}
        required
      />
      <TextField
        name="confirmation"
        label="Mot de passe, une seconde fois"
        type="password"
        autocomplete="new-password"
        error={errorFor(props.errors, 'confirmation')}
        required
      />
    </>
  );
}

export function safeReturnPath(raw: string | undefined): string {
  if (!raw?.startsWith('/') || raw.startsWith('//') || raw.includes('\\')) return '/';
  try {
    const url = new URL(raw, 'http://communique.invalid');
    if (url.origin !== 'http://communique.invalid') return '/';
    if (['/connexion', '/deconnexion'].includes(url.pathname) || url.pathname.startsWith('/invitation/')) return '/';
    return url.pathname + url.search;
  } catch {
    return '/';
  }
}

/** The session cookie: HttpOnly, SameSite=Lax, Secure over https; lives as long as the session may. */
export function setSessionCookie(c: Context, opened: OpenedSession): void {
  setCookie(c, sessionCookieName, opened.cookieValue, {
    path: '/',
    httpOnly: true,
    sameSite: 'Lax',
    secure: isHttps(c),
    maxAge: sessionLifetime.absoluteSeconds,
  });
  // The pre-session CSRF token served its purpose; the session has its own.
  deleteCookie(c, preSessionCookieName, { path: '/' });
}

const field = (form: Record<string, unknown>, name: string) => (typeof form[name] === 'string' ? (form[name] as string) : '');

function SignInForm(props: {
  csrfToken: string;
  email?: string;
  retour: string;
  errors?: readonly FieldError[];
  firstAccount?: boolean;
  oidcProvider?: string;
}) {
  return (
    <>
      <h1>Connexion à l’espace de travail</h1>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/connexion" novalidate>
        <CsrfField token={props.csrfToken} />
        {props.retour !== '/' ? <input type="hidden" name="retour" value={props.retour} /> : null}
        <TextField
          name="email"
          label="Adresse e-mail"
          type="email"
          autocomplete="username"
          value={props.email}
          error={errorFor(props.errors, 'email')}
          required
        />
        <TextField name="password" label="Mot de passe" type="password" autocomplete="current-password" required />
        <button type="submit">Se connecter</button>
      </form>
      {props.oidcProvider ? (
        // A GET form: works without JavaScript, and carries where to go back to.
        <form method="get" action="/connexion/oidc" class="oidc-sign-in">
          {props.retour !== '/' ? <input type="hidden" name="retour" value={props.retour} /> : null}
          <button type="submit">Se connecter avec {props.oidcProvider}</button>
        </form>
      ) : null}
      <p class="hint">Pas encore de compte ? Un administrateur de l’espace vous envoie une invitation par e-mail.</p>
      {props.firstAccount ? (
        <p>
          Aucun compte n’existe encore. <a href="/connexion/premier-compte">Créer le premier compte administrateur</a> (avec le jeton
          d’administration).
        </p>
      ) : null}
    </>
  );
}

function InvitationForm(props: { csrfToken: string; token: string; user: UserAccount; errors?: readonly FieldError[] }) {
  return (
    <>
      <h1>Choisir votre mot de passe</h1>
      <p>
        Bienvenue, {props.user.name}. Votre compte ({props.user.email}, rôle « {roleLabels[props.user.role] ?? props.user.role} ») sera
        actif dès que vous aurez choisi votre mot de passe.
      </p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action={`/invitation/${props.token}`} novalidate>
        <CsrfField token={props.csrfToken} />
        <input type="hidden" name="email" autocomplete="username" value={props.user.email} />
        <NewPasswordFields errors={props.errors} />
        <button type="submit">Activer mon compte</button>
      </form>
    </>
  );
}

function FirstAccountForm(props: { csrfToken: string; draft?: Record<string, string>; errors?: readonly FieldError[] }) {
  return (
    <>
      <h1>Créer le premier compte administrateur</h1>
      <p>
        L’espace de travail n’a encore aucun compte. Le jeton d’administration (celui de l’API, gardé dans le gestionnaire de secrets)
        permet de créer le premier ; cette page se ferme ensuite.
      </p>
      <ErrorSummary errors={props.errors} />
      <form method="post" action="/connexion/premier-compte" novalidate>
        <CsrfField token={props.csrfToken} />
        <TextField
          name="token"
          label="Jeton d’administration"
          type="password"
          autocomplete="off"
          error={errorFor(props.errors, 'token')}
          required
        />
        <TextField
          name="name"
          label="Votre nom"
          value={props.draft?.name}
          maxlength={120}
          error={errorFor(props.errors, 'name')}
          required
        />
        <TextField
          name="email"
          label="Votre adresse e-mail"
          type="email"
          autocomplete="username"
          value={props.draft?.email}
          error={errorFor(props.errors, 'email')}
          required
        />
        <NewPasswordFields errors={props.errors} />
        <button type="submit">Créer le compte et me connecter</button>
      </form>
    </>
  );
}

function invalidInvitation(c: Context<WorkspaceEnv>, error: DomainError) {
  return renderPage(
    c,
    { title: 'Invitation inutilisable', area: 'none', status: 403 },
    <>
      <h1>Invitation inutilisable</h1>
      <p>{error.message}</p>
      <p>Une invitation est valable 48 heures et ne sert qu’une fois. Un administrateur peut vous en envoyer une nouvelle.</p>
      <p>
        <a href="/connexion">Aller à la page de connexion</a>
      </p>
    </>,
  );
}

/** Sign-in, sign-out and invitations: the only workspace pages open without a session. */
export function authPages(deps: AppDeps, options: AuthPagesOptions = {}): Hono<WorkspaceEnv> {
  const app = new Hono<WorkspaceEnv>();
  const clientAddress = options.clientAddress ?? socketClientAddress;

  const noAccountYet = async () => options.bootstrapToken !== undefined && (await deps.users.listUsers()).length === 0;

  app.get('/connexion', async (c) => {
    const retour = safeReturnPath(c.req.query('retour'));
    if (c.get('session')) return c.redirect(retour, 303);
    return renderPage(
      c,
      { title: 'Connexion', area: 'none' },
      <SignInForm
        csrfToken={c.get('csrfToken')}
        retour={retour}
        firstAccount={await noAccountYet()}
        oidcProvider={options.oidc?.mapping.providerName}
      />,
    );
  });

  // Where `npm start` does not create the first admin (AWS): the admin token's holder does, once.
  app.get('/connexion/premier-compte', async (c) => {
    if (!options.bootstrapToken) throw new NotFoundError('Page', c.req.path);
    if (!(await noAccountYet())) throw new FirstAccountExistsError();
    return renderPage(c, { title: 'Premier compte', area: 'none' }, <FirstAccountForm csrfToken={c.get('csrfToken')} />);
  });

  app.post('/connexion/premier-compte', async (c) => {
    const bootstrapToken = options.bootstrapToken;
    if (!bootstrapToken) throw new NotFoundError('Page', c.req.path);
    const form = await c.req.parseBody();
    const draft = { name: field(form, 'name'), email: field(form, 'email') };
    const again = (errors: FieldError[], status: 400 | 403 | 429) =>
      renderPage(
        c,
        { title: 'Premier compte', area: 'none', status },
        <FirstAccountForm csrfToken={c.get('csrfToken')} draft={draft} errors={errors} />,
      );
    const now = deps.clock.now();
    if (
      (await deps.store.hit(`first-account-client#${clientAddress(c)}`, firstAccountLimits.windowSeconds, now)) >
      firstAccountLimits.perClient
    )
      return again(
        [
          {
            field: 'token',
            message: new SignInRateLimitedError(
              firstAccountLimits.windowSeconds - (Math.floor(now.getTime() / 1000) % firstAccountLimits.windowSeconds),
            ).message,
          },
        ],
        429,
      );
    if (!sameSecret(field(form, 'token'), bootstrapToken))
      return again([{ field: 'token', message: 'Jeton d’administration incorrect.' }], 403);
    try {
      const opened = await createFirstAdminAccount(deps, {
        ...draft,
        password: field(form, 'password'),
        confirmation: field(form, 'confirmation'),
      });
      setSessionCookie(c, opened);
      setNotice(c, `Premier compte créé. Bienvenue, ${opened.user.name} : invitez maintenant les autres depuis Réglages.`);
      return c.redirect('/', 303);
    } catch (e: unknown) {
      if (e instanceof FirstAccountExistsError) throw e;
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      return again(errors, 400);
    }
  });

  app.post('/connexion', async (c) => {
    const form = await c.req.parseBody();
    const email = field(form, 'email');
    const retour = safeReturnPath(field(form, 'retour'));
    try {
      const opened = await signIn(deps, {
        email,
        password: field(form, 'password'),
        client: clientAddress(c),
        previousCookie: getCookie(c, sessionCookieName),
      });
      setSessionCookie(c, opened);
      setNotice(c, `Bienvenue, ${opened.user.name}.`);
      return c.redirect(retour, 303);
    } catch (e: unknown) {
      if (!(e instanceof DomainError)) throw e;
      const limited = e instanceof SignInRateLimitedError;
      if (limited) c.header('retry-after', String(e.retryAfterSeconds));
      return renderPage(
        c,
        { title: 'Connexion', area: 'none', status: limited ? 429 : 400 },
        <SignInForm
          csrfToken={c.get('csrfToken')}
          email={email}
          retour={retour}
          errors={[{ field: 'email', message: e.message }]}
          oidcProvider={options.oidc?.mapping.providerName}
        />,
      );
    }
  });

  app.post('/deconnexion', async (c) => {
    const cookie = getCookie(c, sessionCookieName);
    if (cookie) await signOut(deps, cookie);
    deleteCookie(c, sessionCookieName, { path: '/' });
    setNotice(c, 'Vous êtes déconnecté, sur tous vos appareils.');
    return c.redirect('/connexion', 303);
  });

  app.get('/invitation/:token', async (c) => {
    const token = c.req.param('token');
    try {
      const user = await invitationAccount(deps, token);
      return renderPage(
        c,
        { title: 'Invitation', area: 'none' },
        <InvitationForm csrfToken={c.get('csrfToken')} token={token} user={user} />,
      );
    } catch (e: unknown) {
      if (e instanceof DomainError && e.code === 'invalid_token') return invalidInvitation(c, e);
      throw e;
    }
  });

  app.post('/invitation/:token', async (c) => {
    const token = c.req.param('token');
    const form = await c.req.parseBody();
    try {
      const opened = await acceptInvitation(deps, token, { password: field(form, 'password'), confirmation: field(form, 'confirmation') });
      setSessionCookie(c, opened);
      setNotice(c, `Votre compte est actif. Bienvenue, ${opened.user.name}.`);
      return c.redirect('/', 303);
    } catch (e: unknown) {
      if (e instanceof DomainError && e.code === 'invalid_token') return invalidInvitation(c, e);
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      const user = await invitationAccount(deps, token);
      return renderPage(
        c,
        { title: 'Invitation', area: 'none', status: 400 },
        <InvitationForm csrfToken={c.get('csrfToken')} token={token} user={user} errors={errors} />,
      );
    }
  });

  return app;
}

import { createServer, type Server } from 'node:http';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadOidcConfig, type OidcConfig } from '../../functions/config';
import type { UserAccount } from '../../functions/domain/user-account';
import { sessionCookieName } from '../../functions/http/pages/workspace-env';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';
import { freePort } from '../support/free-port';

/**
 * OIDC sign-in end to end: a real OpenID provider (oidc-provider) on a free port, the workspace
 * on DynamoDB Local as the relying party (openid-client), the browser played over HTTP — the
 * app through app.request, the provider through fetch with its own cookie jar.
 */

const publicBaseUrl = 'https://communique.example.org';
const people: Record<string, Record<string, unknown>> = {
  claire: {
    sub: 'claire',
    email: 'Claire.Martin@departement.example',
    email_verified: true,
    name: 'Claire Martin',
    groups: ['agents', 'presse'],
  },
  paul: { sub: 'paul', email: 'paul.durand@departement.example', email_verified: true, name: 'Paul Durand', groups: ['agents'] },
  ines: { sub: 'ines', email: 'ines.roy@departement.example', email_verified: true, name: 'Inès Roy', groups: ['presse'] },
};

let server: Server;
let issuer: string;
let wiring: LocalWiring;
let oidc: OidcConfig;

beforeAll(async () => {
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'communique',
        client_secret: 'secret-de-test-assez-long',
        redirect_uris: [`${publicBaseUrl}/connexion/oidc/retour`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
      },
    ],
    // The person logs in by typing their id at the dev login page.
    findAccount: (_ctx, id) => (people[id] ? { accountId: id, claims: () => ({ ...people[id], sub: id }) } : undefined),
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'groups'] },
    // The requested claims go into the ID token (as Cognito and most enterprise providers do for groups).
    conformIdTokenClaims: false,
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
  });
  server = createServer(provider.callback());
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  const { tableName } = await freshTable('oidc');
  oidc = {
    issuer,
    clientId: 'communique',
    clientSecret: 'secret-de-test-assez-long',
    providerName: 'Annuaire du Département',
    roleClaim: 'groups',
    roleMap: { 'communication-direction': 'reviewer', presse: 'publisher', admins: 'admin' },
  };
  wiring = buildLocalWiring(
    localConfigFor(tableName, { publicBaseUrl }),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'cle-de-test' } } },
    fakeRenderer,
    { oidc },
  );
  await wiring.deps.store.putBrand(testBrand);
});

afterAll(async () => {
  wiring?.close();
  await new Promise((resolve) => server?.close(resolve));
});

/** Name → value from a response's Set-Cookie headers (a cleared cookie maps to ''). */
function cookiesOf(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of res.headers.getSetCookie()) {
    const [pair = '', ...attrs] = line.split(';');
    const eq = pair.indexOf('=');
    const cleared = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /expires=Thu, 01 Jan 1970/i.test(a));
    out.set(pair.slice(0, eq).trim(), cleared ? '' : pair.slice(eq + 1).trim());
  }
  return out;
}

const cookieHeader = (jar: Map<string, string>) =>
  [...jar]
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}=${v}`)
    .join('; ');

/**
 * Clicks the button, logs in at the provider as `person` (and consents), and returns where the
 * provider sends the browser back: the callback URL and the workspace's OIDC cookie.
 */
async function throughProvider(person: string): Promise<{ callback: URL; oidcCookie: string }> {
  const start = await wiring.http.request('/connexion/oidc?retour=%2Fcommuniques');
  expect(start.status).toBe(303);
  const oidcCookie = cookiesOf(start).get('communique_oidc') ?? '';
  expect(oidcCookie).not.toBe('');
  let url = new URL(start.headers.get('location') ?? '');
  expect(url.origin).toBe(issuer);
  expect(url.searchParams.get('code_challenge_method')).toBe('S256');
  expect(url.searchParams.get('nonce')).toBeTruthy();

  const jar = new Map<string, string>();
  let method = 'GET';
  let body: URLSearchParams | undefined;
  for (let hops = 0; hops < 20; hops++) {
    const res = await fetch(url, { method, body, redirect: 'manual', headers: { cookie: cookieHeader(jar) } });
    for (const [k, v] of cookiesOf(res)) jar.set(k, v);
    method = 'GET';
    body = undefined;
    if (res.status >= 300 && res.status < 400) {
      url = new URL(res.headers.get('location') ?? '', url);
      if (url.origin === publicBaseUrl) return { callback: url, oidcCookie };
      continue;
    }
    const html = await res.text();
    expect(res.status, html).toBe(200);
    // The dev interaction pages: a login form, then a consent form, both posting to the same URL.
    method = 'POST';
    body = html.includes('name="login"')
      ? new URLSearchParams({ prompt: 'login', login: person, password: 'peu-importe' })
      : new URLSearchParams({ prompt: 'consent' });
  }
  throw new Error('the provider never sent the browser back');
}

const back = (callback: URL, oidcCookie: string, extra: Record<string, string> = {}) =>
  wiring.http.request(callback.pathname + callback.search, { headers: { cookie: `communique_oidc=${oidcCookie}`, ...extra } });

const thisMonth = () => new Date().toISOString().slice(0, 7);

describe('OIDC sign-in against a real provider', () => {
  it('signs a person in with the role their group maps to, creates the account, and the audit log names them', async () => {
    const { callback, oidcCookie } = await throughProvider('claire');
    const res = await back(callback, oidcCookie);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/communiques');
    const session = cookiesOf(res).get(sessionCookieName) ?? '';
    expect(session).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(cookiesOf(res).get('communique_oidc')).toBe('');

    const account = (await wiring.deps.users.getUserByEmail('claire.martin@departement.example')) as UserAccount;
    expect(account).toMatchObject({ name: 'Claire Martin', role: 'publisher', status: 'active' });
    expect(account.passwordHash).toBeUndefined();

    // The session works: the workspace knows her, with her role.
    const page = await wiring.http.request('/', { headers: { cookie: `${sessionCookieName}=${session}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Claire Martin');

    const audit = await wiring.deps.store.listAudit(thisMonth());
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'user.sign-in',
        actorId: account.id,
        actorName: 'Claire Martin',
        detail: 'via Annuaire du Département',
      }),
    );
    expect(audit).toContainEqual(expect.objectContaining({ action: 'user.oidc-create', entityId: account.id }));
  });

  it('matches an existing local account by e-mail and updates its role from the claim, ending its other sessions', async () => {
    const at = new Date().toISOString();
    await wiring.deps.users.createUser({
      id: 'ines-locale',
      email: 'ines.roy@departement.example',
      name: 'Inès Roy',
      role: 'editor',
      status: 'active',
      sessionEpoch: 0,
      createdAt: at,
      updatedAt: at,
    });
    const { openSession } = await import('../../functions/app/workspace-sessions');
    const earlier = await openSession(wiring.deps, (await wiring.deps.users.getUser('ines-locale')) as UserAccount);
    const earlierPage = () => wiring.http.request('/', { headers: { cookie: `${sessionCookieName}=${earlier.cookieValue}` } });
    expect((await earlierPage()).status).toBe(200);

    const { callback, oidcCookie } = await throughProvider('ines');
    const res = await back(callback, oidcCookie);
    expect(res.status).toBe(303);
    const account = (await wiring.deps.users.getUser('ines-locale')) as UserAccount;
    expect(account.role).toBe('publisher');
    expect((await wiring.deps.users.listUsers()).filter((u) => u.email === 'ines.roy@departement.example')).toHaveLength(1);
    // The session opened under the former role is over.
    const after = await earlierPage();
    expect(after.status).toBe(303);
    expect(after.headers.get('location')).toBe('/connexion');
    const audit = await wiring.deps.store.listAudit(thisMonth());
    expect(audit).toContainEqual(
      expect.objectContaining({ action: 'user.role', entityId: 'ines-locale', detail: expect.stringContaining('editor → publisher') }),
    );
  });

  it('refuses a person whose groups map to no role, in French, and creates no account', async () => {
    const { callback, oidcCookie } = await throughProvider('paul');
    const res = await back(callback, oidcCookie);
    expect(res.status).toBe(403);
    const html = await res.text();
    expect(html).toContain('n’appartient à aucun groupe autorisé');
    expect(cookiesOf(res).get(sessionCookieName) ?? '').toBe('');
    expect(await wiring.deps.users.getUserByEmail('paul.durand@departement.example')).toBeUndefined();
  });

  it('refuses a tampered state, a forged cookie and a replayed cookie', async () => {
    const { callback, oidcCookie } = await throughProvider('claire');
    const tampered = new URL(callback);
    tampered.searchParams.set('state', `${callback.searchParams.get('state')}x`);
    const bad = await back(tampered, oidcCookie);
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('ne correspond à aucune connexion en cours');
    expect(cookiesOf(bad).get(sessionCookieName) ?? '').toBe('');

    // The cookie's content altered (its signature no longer matches).
    const [kid, payload, signature] = oidcCookie.split('.') as [string, string, string];
    const altered = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    altered.state = callback.searchParams.get('state');
    altered.retour = '/reglages';
    const forged = `${kid}.${Buffer.from(JSON.stringify(altered)).toString('base64url')}.${signature}`;
    expect((await back(callback, forged)).status).toBe(400);

    // No cookie at all: a link someone else was sent.
    const none = await wiring.http.request(callback.pathname + callback.search);
    expect(none.status).toBe(400);
  });

  it('refuses the code once it has been used (the provider says no, the library reports it)', async () => {
    const { callback, oidcCookie } = await throughProvider('claire');
    expect((await back(callback, oidcCookie)).status).toBe(303);
    const replay = await back(callback, oidcCookie);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain('n’a pas pu être vérifiée');
  });
});

describe('the sign-in page', () => {
  it('offers the provider only when OIDC is configured', async () => {
    const withOidc = await (await wiring.http.request('/connexion')).text();
    expect(withOidc).toContain('Se connecter avec Annuaire du Département');
    expect(withOidc).toContain('action="/connexion/oidc"');

    const { tableName } = await freshTable('oidc-off');
    const plain = buildLocalWiring(
      localConfigFor(tableName, { publicBaseUrl }),
      { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'cle-de-test' } } },
      fakeRenderer,
    );
    try {
      const page = await (await plain.http.request('/connexion')).text();
      expect(page).toContain('Connexion à l’espace de travail');
      expect(page).not.toContain('Se connecter avec');
      expect((await plain.http.request('/connexion/oidc')).status).toBe(404);
    } finally {
      plain.close();
    }
  });
});

describe('OIDC configuration', () => {
  const full = {
    OIDC_ISSUER: 'https://sso.departement.example/realms/agents',
    OIDC_CLIENT_ID: 'communique',
    OIDC_CLIENT_SECRET: 's3cret',
    OIDC_PROVIDER_NAME: 'Annuaire du Département',
    OIDC_ROLE_CLAIM: 'groups',
    OIDC_ROLE_MAP: '{"communication-direction":"reviewer","presse":"publisher","admins":"admin"}',
  };

  it('is off when nothing is set, and read whole when everything is', () => {
    expect(loadOidcConfig({})).toBeUndefined();
    expect(loadOidcConfig(full)).toEqual({
      issuer: full.OIDC_ISSUER,
      clientId: 'communique',
      clientSecret: 's3cret',
      providerName: 'Annuaire du Département',
      roleClaim: 'groups',
      roleMap: { 'communication-direction': 'reviewer', presse: 'publisher', admins: 'admin' },
    });
  });

  it('fails with one clear error when partly set or wrong', () => {
    const partial = () => loadOidcConfig({ OIDC_ISSUER: full.OIDC_ISSUER, OIDC_CLIENT_ID: 'communique' });
    expect(partial).toThrow(ConfigError);
    expect(partial).toThrow(/missing: OIDC_CLIENT_SECRET, OIDC_PROVIDER_NAME, OIDC_ROLE_CLAIM, OIDC_ROLE_MAP/);
    expect(() => loadOidcConfig({ ...full, OIDC_ROLE_MAP: '{"presse":"chef"}' })).toThrow(/« presse » maps to « chef »/);
    expect(() => loadOidcConfig({ ...full, OIDC_ROLE_MAP: '[]' })).toThrow(/OIDC_ROLE_MAP: a JSON object/);
    expect(() => loadOidcConfig({ ...full, OIDC_ISSUER: 'http://sso.departement.example' })).toThrow(/https required/);
  });
});

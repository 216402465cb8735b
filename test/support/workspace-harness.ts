import type { AppDeps } from '../../functions/app/deps';
import { newSession } from '../../functions/app/workspace-sessions';
import type { Role } from '../../functions/domain/actor';
import type { UserAccount } from '../../functions/domain/user-account';
import { buildHttpApp } from '../../functions/http/app';
import { sessionAuth } from '../../functions/http/pages/auth/session-auth';
import { csrfFieldName, sessionCookieName, type WorkspaceUser } from '../../functions/http/pages/workspace-env';
import { fakeDeps, testBrand } from './fakes';
import { InMemoryUserStore } from './in-memory-user-store';

export interface SignedIn {
  readonly user: WorkspaceUser;
  readonly cookie: string;
  readonly csrfToken: string;
  /** GET a page as this person. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** POST a form as this person (the CSRF token added unless `csrf: false`). */
  post(
    path: string,
    fields: Record<string, string | string[]>,
    options?: { csrf?: boolean; headers?: Record<string, string> },
  ): Promise<Response>;
}

/**
 * The HTTP app with the workspace mounted over in-memory fakes, and a way to act as a signed-in
 * person of any role: `const h = await workspaceHarness(); const ed = h.as('editor'); await ed.get('/')`.
 */
export async function workspaceHarness(overrides: Partial<AppDeps> = {}) {
  const ctx = fakeDeps(overrides);
  await ctx.store.putBrand(testBrand);
  const users = ctx.deps.users;
  if (!(users instanceof InMemoryUserStore)) throw new Error('workspaceHarness needs the in-memory user store');
  // The real sessions (app/workspace-sessions.ts) over the in-memory user store.
  const auth = sessionAuth(ctx.deps);
  const app = buildHttpApp(ctx.deps, {
    adminToken: 'root',
    health: async () => ({}),
    logError: (e) => console.error(e),
    // Route tests play several clients with this header; the runtimes read the connection.
    workspace: { auth, clientAddress: (c) => c.req.header('x-test-client') ?? '192.0.2.1' },
  });

  /** An active account of this role (created on first use) with a fresh session. */
  const as = (role: Role, who: Partial<WorkspaceUser> = {}): SignedIn => {
    const at = ctx.clock.now().toISOString();
    const id = who.id ?? `u-${role}`;
    const existing = users.users.get(id);
    const account: UserAccount = existing
      ? { ...existing, role, ...who, status: 'active' }
      : {
          id,
          name: `Personne ${role}`,
          email: `${role}@example.org`,
          role,
          status: 'active',
          sessionEpoch: 0,
          createdAt: at,
          updatedAt: at,
          ...who,
        };
    users.seedUser(account);
    const opened = newSession(account, ctx.clock.now());
    users.seedSession(opened.session);
    const user: WorkspaceUser = { id: account.id, name: account.name, email: account.email, role: account.role };
    const cookie = opened.cookieValue;
    const csrfToken = opened.session.csrfToken;
    const cookieHeader = `${sessionCookieName}=${cookie}`;
    return {
      user,
      cookie,
      csrfToken,
      get: async (path, headers = {}) => app.request(path, { headers: { cookie: cookieHeader, ...headers } }),
      post: async (path, fields, options = {}) => {
        const body = new URLSearchParams();
        for (const [k, v] of Object.entries(fields)) for (const value of Array.isArray(v) ? v : [v]) body.append(k, value);
        if (options.csrf !== false) body.append(csrfFieldName, csrfToken);
        return app.request(path, {
          method: 'POST',
          body,
          headers: { cookie: cookieHeader, 'content-type': 'application/x-www-form-urlencoded', ...(options.headers ?? {}) },
        });
      },
    };
  };
  return { ...ctx, users, app, auth, as };
}

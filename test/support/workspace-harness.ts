import { randomBytes } from 'node:crypto';
import type { AppDeps } from '../../functions/app/deps';
import type { Role } from '../../functions/domain/actor';
import { buildHttpApp } from '../../functions/http/app';
import {
  csrfFieldName,
  type SessionView,
  sessionCookieName,
  type WorkspaceAuth,
  type WorkspaceUser,
} from '../../functions/http/pages/workspace-env';
import { fakeDeps, testBrand } from './fakes';

/** Sessions held in memory, for route tests of pages (the real sessions have their own tests). */
export class MemoryWorkspaceAuth implements WorkspaceAuth {
  readonly sessions = new Map<string, SessionView>();
  async resolve(cookieValue: string) {
    return this.sessions.get(cookieValue);
  }
  open(user: WorkspaceUser): { cookie: string; csrfToken: string } {
    const cookie = randomBytes(18).toString('base64url');
    const csrfToken = randomBytes(18).toString('base64url');
    this.sessions.set(cookie, { id: cookie, user, csrfToken });
    return { cookie, csrfToken };
  }
}

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
  const auth = new MemoryWorkspaceAuth();
  const app = buildHttpApp(ctx.deps, {
    adminToken: 'root',
    health: async () => ({}),
    logError: (e) => console.error(e),
    workspace: { auth },
  });

  const as = (role: Role, who: Partial<WorkspaceUser> = {}): SignedIn => {
    const user: WorkspaceUser = { id: `u-${role}`, name: `Personne ${role}`, email: `${role}@example.org`, role, ...who };
    const { cookie, csrfToken } = auth.open(user);
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
  return { ...ctx, app, auth, as };
}

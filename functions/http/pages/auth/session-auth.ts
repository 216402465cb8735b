import type { AppDeps } from '../../../app/deps';
import { resolveSession } from '../../../app/workspace-sessions';
import type { WorkspaceAuth } from '../workspace-env';

/** The workspace's sessions, kept in the table (see app/workspace-sessions.ts). */
export const sessionAuth = (deps: Pick<AppDeps, 'users' | 'clock'>): WorkspaceAuth => ({
  resolve: (cookieValue) => resolveSession(deps, cookieValue),
});

import type { Actor } from '../../domain/actor';

/** A signed-in person: an actor (id, name, role) with the address test sends go to. */
export interface WorkspaceUser extends Actor {
  readonly email: string;
}

/** A live session, as the workspace sees it. */
export interface SessionView {
  readonly id: string;
  readonly user: WorkspaceUser;
  /** Bound to the session: every state-changing request of the workspace must carry it. */
  readonly csrfToken: string;
}

/**
 * How the workspace finds who is signed in. The implementation keeps sessions in the table, so
 * that sign-out, deactivation or a change of role ends a session everywhere at once.
 */
export interface WorkspaceAuth {
  /** The live session behind a session cookie's value; undefined when forged, expired or ended. */
  resolve(cookieValue: string): Promise<SessionView | undefined>;
}

/** The brand shown in the frame (the press office's name and colours). */
export interface FrameBrand {
  readonly name: string;
  readonly primary: string;
  readonly logo?: { readonly url: string; readonly alt: string };
}

/** What the workspace middleware puts in the request context. */
export type WorkspaceEnv = {
  Variables: {
    /** Per-response nonce for the Content-Security-Policy (script tags). */
    nonce: string;
    /** The CSRF token forms must carry: the session's, or the pre-session cookie's before sign-in. */
    csrfToken: string;
    /** Set on every page behind sign-in. */
    session: SessionView;
    user: WorkspaceUser;
    /** The same person as an actor, for the use-cases (the audit log names them). */
    actor: Actor;
    /** A notice carried across a redirect (post → redirect → get), shown once. */
    notice: string | undefined;
    /** The press office's brand, shown in the frame. */
    frameBrand: FrameBrand | undefined;
    /** Other origins this page's forms post to (a presigned S3 upload form), added to CSP form-action. */
    formActionSources: readonly string[] | undefined;
  };
};

/** Names shared by the middleware, the sign-in routes and the tests. */
export const sessionCookieName = 'communique_session';
export const preSessionCookieName = 'communique_csrf';
export const noticeCookieName = 'communique_notice';
export const csrfFieldName = '_csrf';
export const csrfHeaderName = 'x-csrf-token';

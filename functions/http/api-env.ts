import type { Actor } from '../domain/actor';

/** What the auth middleware puts in the request context for the /api routes. */
export type ApiEnv = { Variables: { actor: Actor } };

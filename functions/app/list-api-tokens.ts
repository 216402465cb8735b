import { type Actor, assertCan } from '../domain/actor';
import { type ApiTokenRecord, type ApiTokenState, apiTokenState } from '../domain/api-token';
import { NotFoundError } from '../domain/errors';
import type { AppDeps } from './deps';

export interface ApiTokenView extends ApiTokenRecord {
  readonly state: ApiTokenState;
}

/** The API tokens, newest first, with whether each still works; never the secret. Admin only. */
export async function listApiTokens(deps: Pick<AppDeps, 'store' | 'clock'>, actor: Actor): Promise<ApiTokenView[]> {
  assertCan(actor, 'tokens:manage');
  const now = deps.clock.now();
  return (await deps.store.listApiTokens()).map((t) => ({ ...t, state: apiTokenState(t, now) }));
}

export async function getApiToken(deps: Pick<AppDeps, 'store' | 'clock'>, actor: Actor, id: string): Promise<ApiTokenView> {
  const token = (await listApiTokens(deps, actor)).find((t) => t.id === id);
  if (!token) throw new NotFoundError('Jeton', id);
  return token;
}

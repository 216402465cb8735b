import { type Actor, assertCan } from '../domain/actor';
import type { ApiTokenRecord } from '../domain/api-token';
import { NotFoundError } from '../domain/errors';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

/**
 * Revokes an API token: from the next request on, the bearer middleware refuses it (401). The
 * token stays listed as revoked, so the settings page and the audit log still say what it was.
 * Revoking twice is harmless (the first date is kept, nothing is audited again).
 */
export async function revokeApiToken(deps: Pick<AppDeps, 'store' | 'clock'>, actor: Actor, id: string): Promise<ApiTokenRecord> {
  assertCan(actor, 'tokens:manage');
  const at = deps.clock.now().toISOString();
  const revoked = await deps.store.revokeApiToken(id, at);
  if (!revoked) throw new NotFoundError('Jeton', id);
  if (revoked.revokedAt === at) await audit(deps, actor, 'token.revoked', 'token', id, `${revoked.name} (${revoked.role})`);
  return revoked;
}

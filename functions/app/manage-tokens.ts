import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Actor, assertCan, bootstrapAdmin, roles } from '../domain/actor';
import { singleLine } from '../domain/text-fields';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

export const createTokenSchema = z.object({ name: singleLine(120), role: z.enum(roles) });

/** A new API token bound to a role. Only its hash is stored: the token is shown this once. */
export async function createApiToken(deps: AppDeps, actor: Actor, raw: unknown): Promise<{ token: string; actor: Actor }> {
  assertCan(actor, 'tokens:manage');
  const { name, role } = createTokenSchema.parse(raw);
  const token = randomBytes(24).toString('base64url');
  const holder: Actor = { id: `t-${deps.newId()}`, name, role };
  await deps.store.putApiToken(tokenHash(token), holder);
  await audit(deps, actor, 'token.created', 'token', holder.id, `${name} (${role})`);
  return { token, actor: holder };
}

/** The actor behind a bearer token: the bootstrap admin token, or a stored one. */
export async function actorForToken(
  deps: Pick<AppDeps, 'store'>,
  token: string,
  adminToken: string,
  sameToken: (a: string, b: string) => boolean,
): Promise<Actor | undefined> {
  if (sameToken(token, adminToken)) return bootstrapAdmin;
  return deps.store.actorByTokenHash(tokenHash(token));
}

import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { type Actor, assertCan, bootstrapAdmin, roles } from '../domain/actor';
import { type ApiTokenRecord, apiTokenState, apiTokenUseGranularityMs } from '../domain/api-token';
import { singleLine } from '../domain/text-fields';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex');

const dayMs = 24 * 3600 * 1000;

export const createTokenSchema = z.object({
  name: singleLine(120),
  role: z.enum(roles, { message: 'Choisissez un rôle.' }),
  /** Absent: the token never expires (as before expiry existed); the workspace always asks for one. */
  expiresInDays: z.coerce
    .number({ message: 'Indiquez une durée de validité en jours.' })
    .int('Indiquez une durée de validité en jours entiers.')
    .min(1, 'La durée de validité est d’au moins un jour.')
    .max(730, 'La durée de validité est de deux ans au plus.')
    .optional(),
});

/** A new API token bound to a role. Only its hash is stored: the token is shown this once. */
export async function createApiToken(
  deps: AppDeps,
  actor: Actor,
  raw: unknown,
): Promise<{ token: string; actor: Actor; record: ApiTokenRecord }> {
  assertCan(actor, 'tokens:manage');
  const { name, role, expiresInDays } = createTokenSchema.parse(raw);
  const token = randomBytes(24).toString('base64url');
  const now = deps.clock.now();
  const holder: Actor = { id: `t-${deps.newId()}`, name, role };
  const record: ApiTokenRecord = {
    ...holder,
    createdAt: now.toISOString(),
    createdBy: actor.name,
    ...(expiresInDays ? { expiresAt: new Date(now.getTime() + expiresInDays * dayMs).toISOString() } : {}),
  };
  await deps.store.putApiTokenRecord(tokenHash(token), record);
  await audit(
    deps,
    actor,
    'token.created',
    'token',
    holder.id,
    `${name} (${role})${record.expiresAt ? `, expire le ${record.expiresAt.slice(0, 10)}` : ''}`,
  );
  return { token, actor: holder, record };
}

/**
 * The actor behind a bearer token: the bootstrap admin token, or a stored one that is neither
 * revoked nor expired. Each use is noted (about once a minute per token) for the settings page.
 */
export async function actorForToken(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  token: string,
  adminToken: string,
  sameToken: (a: string, b: string) => boolean,
): Promise<Actor | undefined> {
  if (sameToken(token, adminToken)) return bootstrapAdmin;
  const hash = tokenHash(token);
  const record = await deps.store.apiTokenByHash(hash);
  if (!record) return undefined;
  const now = deps.clock.now();
  if (apiTokenState(record, now) !== 'active') return undefined;
  await deps.store.touchApiToken(hash, now.toISOString(), new Date(now.getTime() - apiTokenUseGranularityMs).toISOString());
  return { id: record.id, name: record.name, role: record.role };
}

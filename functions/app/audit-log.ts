import type { Actor } from '../domain/actor';
import type { AuditEntry } from '../domain/audit';
import type { AppDeps } from './deps';

/** Every state change of a release, campaign or plan is written here: who, when, what. */
export async function audit(
  deps: Pick<AppDeps, 'store' | 'clock'>,
  actor: Actor,
  action: string,
  entity: AuditEntry['entity'],
  entityId: string,
  detail?: string,
): Promise<void> {
  await deps.store.appendAudit({
    at: deps.clock.now().toISOString(),
    actorId: actor.id,
    actorName: actor.name,
    action,
    entity,
    entityId,
    detail,
  });
}

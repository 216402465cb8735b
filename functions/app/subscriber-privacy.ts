import type { Actor } from '../domain/actor';
import { NotFoundError } from '../domain/errors';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

/** GDPR access: everything held about one person, as JSON. Audited with who asked (never the address). */
export async function exportSubscriber(deps: AppDeps, id: string, actor: Actor) {
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) throw new NotFoundError('Abonné', id);
  const [memberships, consent, sends] = await Promise.all([
    deps.store.listMembershipsOf(id),
    deps.store.listConsent(id),
    deps.store.listSendsOf(id),
  ]);
  await audit(deps, actor, 'subscriber.exported', 'subscriber', id);
  return {
    exportedAt: deps.clock.now().toISOString(),
    subscriber,
    memberships,
    consent,
    sends: sends.map((s) => ({ campaignId: s.campaignId, status: s.status, messageId: s.messageId, at: s.updatedAt })),
  };
}

/**
 * GDPR erasure: personal data removed everywhere (see `AudienceStore.eraseSubscriber`), the
 * address kept only as a keyed HMAC so it is never mailed again. The consent ledger and the
 * audit log say who erased, by id and name, and never whose address it was.
 */
export async function eraseSubscriber(deps: AppDeps, id: string, actor: Actor): Promise<void> {
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) throw new NotFoundError('Abonné', id);
  const at = deps.clock.now().toISOString();
  await deps.store.eraseSubscriber(id, at);
  await deps.store.appendConsent({ subscriberId: id, event: 'erased', at, source: 'admin', lawfulBasis: 'consent', actor: actor.name });
  await audit(deps, actor, 'subscriber.erased', 'subscriber', id);
}

import { NotFoundError } from '../domain/errors';
import type { AppDeps } from './deps';

/** GDPR access: everything held about one person, as JSON. */
export async function exportSubscriber(deps: AppDeps, id: string) {
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) throw new NotFoundError('Abonné', id);
  const [memberships, consent, sends] = await Promise.all([
    deps.store.listMembershipsOf(id),
    deps.store.listConsent(id),
    deps.store.listSendsOf(id),
  ]);
  return {
    exportedAt: deps.clock.now().toISOString(),
    subscriber,
    memberships,
    consent,
    sends: sends.map((s) => ({ campaignId: s.campaignId, status: s.status, messageId: s.messageId, at: s.updatedAt })),
  };
}

/** GDPR erasure: personal data removed, the address kept only as a hash so it is never mailed again. */
export async function eraseSubscriber(deps: AppDeps, id: string): Promise<void> {
  const subscriber = await deps.store.getSubscriber(id);
  if (!subscriber) throw new NotFoundError('Abonné', id);
  const at = deps.clock.now().toISOString();
  await deps.store.eraseSubscriber(id, at);
  await deps.store.appendConsent({ subscriberId: id, event: 'erased', at, source: 'admin', lawfulBasis: 'consent' });
}

import type { AppDeps } from '../../functions/app/deps';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { snapshotAudience } from '../../functions/app/snapshot-audience';
import { recipientRef, recipientRefHeader } from '../../functions/domain/campaign';
import type { OutgoingMail, SendMessage, SendQueue } from '../../functions/ports';
import { testBrand } from './fakes';

export interface CrashedCampaign {
  readonly campaignId: string;
  readonly domain: string;
  /** Subscriber ids in order; the first `accepted` have a mail in the outbox. */
  readonly subscriberIds: readonly string[];
}

/**
 * What a worker killed with `kill -9` leaves behind, written through the real store and mailer:
 * a running campaign whose `recipients` are all claimed (`sending`, claimed at `claimedAt`,
 * announced on the counters), of which the first `accepted` were accepted by SES (their mail,
 * with its reference header, is in the outbox) and the others never reached it.
 */
export async function leaveCrashedCampaign(
  deps: AppDeps,
  options: {
    recipients: number;
    accepted: number;
    claimedAt: Date;
    /** The mail SES accepted for a recipient; a small one by default. */
    mailFor?: (to: string, refHeader: { name: string; value: string }) => OutgoingMail;
  },
): Promise<CrashedCampaign> {
  // The campaign's own messages go nowhere: the worker that would have handled them is dead.
  const nowhere: SendQueue = { enqueue: async (_: readonly SendMessage[]) => {} };
  const quiet = { ...deps, queue: nowhere };
  await deps.store.putBrand(testBrand);
  const list = await createList(quiet, { name: 'Interrompue', kind: 'press', optIn: 'single' });
  const tag = `c${Math.random().toString(36).slice(2, 10)}`;
  const domain = `${tag}.example.org`;
  const at = new Date().toISOString();
  const subscriberIds = Array.from({ length: options.recipients }, (_, i) => `${tag}-${i}`);
  for (let i = 0; i < subscriberIds.length; i += 100) {
    await Promise.all(
      subscriberIds.slice(i, i + 100).map(async (id, j) => {
        const email = `r${i + j}@${domain}`;
        await deps.store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
        await deps.store.putMembership({ listId: list.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
      }),
    );
  }
  const release = await createRelease(quiet, { brandId: testBrand.id, title: 'Envoi interrompu' });
  const { campaign } = await launchCampaign(quiet, { releaseId: release.id, listIds: [list.id] });
  await snapshotAudience(quiet, campaign.id);

  const claimedAt = options.claimedAt.toISOString();
  for (let i = 0; i < subscriberIds.length; i += 50) {
    const won = await deps.store.claimRecipients(campaign.id, subscriberIds.slice(i, i + 50), claimedAt);
    if (won.size !== Math.min(50, subscriberIds.length - i)) throw new Error('a recipient of the crashed campaign could not be claimed');
  }
  await deps.store.addToCounts(campaign.id, { sending: subscriberIds.length }, 'running');

  const mailFor =
    options.mailFor ??
    ((to, ref): OutgoingMail => ({
      from: { name: testBrand.senderName, address: testBrand.senderEmail },
      to,
      subject: 'Envoi interrompu',
      html: '<p>Envoi interrompu</p>',
      text: 'Envoi interrompu',
      headers: [ref],
      tags: {},
    }));
  let next = 0;
  const sendSome = async () => {
    for (let i = next++; i < options.accepted; i = next++) {
      const ref = { name: recipientRefHeader, value: recipientRef(campaign.id, subscriberIds[i] ?? '') };
      await deps.mailer.send(mailFor(`r${i}@${domain}`, ref));
    }
  };
  await Promise.all(Array.from({ length: 16 }, sendSome));
  return { campaignId: campaign.id, domain, subscriberIds };
}

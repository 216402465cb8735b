import { describe, expect, it } from 'vitest';
import { FaultInjectingMailer, seededRandom } from '../../functions/adapters/local/fault-injecting-mailer';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { reconcileClaims } from '../../functions/app/reconcile-claims';
import { buildLocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

const RECIPIENTS = 2_000;

describe('a 2,000-recipient campaign on a bad day (DynamoDB Local + SES emulator)', () => {
  it('delivers exactly one mail per recipient despite throttles, 5xx, duplicated deliveries, a worker crash and lost count reports', async () => {
    // prepare
    const { tableName } = await freshTable('faults');
    let faults: FaultInjectingMailer | undefined;
    const wiring = buildLocalWiring(
      localConfigFor(tableName),
      { adminToken: 'a', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
      fakeRenderer,
      {
        concurrency: 4,
        batchSize: 50,
        sendRate: 10_000,
        duplicateDeliveries: 0.2,
        wrapMailer: (m) => (faults = new FaultInjectingMailer(m, { throttle: 0.1, serverError: 0.02 }, seededRandom(7))),
        onQueueError: () => undefined,
      },
    );
    const { deps } = wiring;
    await deps.store.putBrand(testBrand);
    const list = await createList(deps, { name: 'Grande liste', kind: 'press', optIn: 'single' });
    const domain = uniqueDomain();
    const at = new Date().toISOString();
    for (let i = 0; i < RECIPIENTS; i += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, RECIPIENTS - i) }, async (_, j) => {
          const id = `s${i + j}`;
          const email = `r${i + j}@${domain}`;
          await deps.store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
          await deps.store.putMembership({ listId: list.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
        }),
      );
    }
    // one worker "crash": the group write of outcomes after SES accepted s1234's mail (and its
    // group's) fails, leaving the whole group claimed, as a worker killed before its flush would
    const settle = deps.store.settleRecipients.bind(deps.store);
    let crashes = 0;
    let lostSent = 0;
    let lostOther = 0;
    deps.store.settleRecipients = async (c, settlements, when) => {
      if (crashes === 0 && settlements.some((x) => x.subscriberId === 's1234' && x.outcome.status === 'sent')) {
        crashes++;
        lostSent = settlements.filter((x) => x.outcome.status === 'sent').length;
        lostOther = settlements.length - lostSent;
        throw new Error('worker killed after SES accepted the mails, before writing their outcomes');
      }
      return settle(c, settlements, when);
    };
    // single-item ledger writes are left to reconciliation and SES events
    const claim = deps.store.claimRecipient.bind(deps.store);
    let singleClaims = 0;
    deps.store.claimRecipient = async (...args) => {
      singleClaims++;
      return claim(...args);
    };
    // two workers "die" after settling a batch and before reporting its counts
    const addToCounts = deps.store.addToCounts.bind(deps.store);
    let lostReports = 0;
    deps.store.addToCounts = async (id, delta, when) => {
      if (when === 'unfinished' && (delta.sent ?? 0) >= 10 && lostReports < 2) {
        lostReports++;
        throw new Error('worker killed before reporting its batch');
      }
      return addToCounts(id, delta, when);
    };
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Grand envoi' });

    // act
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await wiring.queue.idle();
    // what the local sweep does for claims left by a dead worker
    const reconciled = await reconcileClaims(deps, campaign.id, 0);
    await wiring.queue.idle();

    // assess
    expect(crashes).toBe(1);
    expect(lostReports).toBe(2);
    expect(singleClaims).toBe(0);
    // the lost group: its sent mails found in the outbox, the others (a 5xx, or claimed and not yet sent) released
    expect(lostSent).toBeGreaterThan(1);
    expect(reconciled).toEqual({ recovered: lostSent, requeued: lostOther });
    expect(faults?.injected.throttle).toBeGreaterThan(100);
    expect(faults?.injected.serverError).toBeGreaterThan(10);
    expect(wiring.queue.deadLetters).toEqual([]);
    const mails = await outboxFor(domain);
    const perRecipient = new Map<string, number>();
    for (const m of mails) perRecipient.set(m.destination.to[0] ?? '', (perRecipient.get(m.destination.to[0] ?? '') ?? 0) + 1);
    expect(perRecipient.size).toBe(RECIPIENTS);
    expect([...perRecipient.values()].every((n) => n === 1)).toBe(true);
    const final = await deps.store.getCampaign(campaign.id);
    expect(final?.status).toBe('finished');
    expect(final?.counts).toEqual({ pending: 0, sending: 0, sent: RECIPIENTS, failed: 0, skipped: 0 });
    wiring.close();
  }, 180_000);
});

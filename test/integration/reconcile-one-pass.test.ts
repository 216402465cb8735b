import { afterAll, describe, expect, it } from 'vitest';
import { EmulatorSentMail } from '../../functions/adapters/ses/emulator-sent-mail';
import { reconcileClaims } from '../../functions/app/reconcile-claims';
import type { SendMessage } from '../../functions/ports';
import { buildLocalWiring } from '../../functions/wiring';
import { leaveCrashedCampaign } from '../support/crashed-campaign';
import { freshTable, localConfigFor, outboxFor } from '../support/emulator-context';
import { fakeRenderer } from '../support/fakes';
import { type SesProxy, startSesProxy } from '../support/ses-proxy';

const proxies: SesProxy[] = [];
afterAll(async () => {
  for (const p of proxies) await p.close();
});

describe('reconciliation after a crash (DynamoDB Local + SES emulator)', () => {
  it('reads the outbox once for all the claims, settles the accepted ones as sent and requeues the others', async () => {
    // prepare: 60 recipients claimed two minutes ago, 35 of them accepted by SES
    const { tableName } = await freshTable('reconcile');
    const wiring = buildLocalWiring(
      localConfigFor(tableName),
      { adminToken: 'a', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
      fakeRenderer,
    );
    const crashed = await leaveCrashedCampaign(wiring.deps, { recipients: 60, accepted: 35, claimedAt: new Date(Date.now() - 120_000) });
    const outbox = await outboxFor(crashed.domain);
    expect(outbox).toHaveLength(35);
    const proxy = await startSesProxy(localConfigFor(tableName).sesEndpoint ?? '');
    proxies.push(proxy);
    const queued: SendMessage[] = [];
    const deps = {
      ...wiring.deps,
      sentMail: new EmulatorSentMail(proxy.endpoint),
      queue: { enqueue: async (m: readonly SendMessage[]) => void queued.push(...m) },
    };

    // act
    const result = await reconcileClaims(deps, crashed.campaignId, 60_000);

    // assess: one outbox read, whatever the number of claims
    expect(proxy.calls.get('GET /store')).toBe(1);
    expect(result).toEqual({ recovered: 35, requeued: 25 });
    const ledger = new Map(
      (await wiring.deps.store.getRecipients(crashed.campaignId, crashed.subscriberIds)).map((r) => [r.subscriberId, r]),
    );
    const messageIdOf = new Map(outbox.map((m) => [m.destination.to[0], m.messageId]));
    crashed.subscriberIds.forEach((id, i) => {
      const r = ledger.get(id);
      if (i < 35) expect(r).toMatchObject({ status: 'sent', messageId: messageIdOf.get(`r${i}@${crashed.domain}`) });
      else expect(r?.status).toBe('pending');
    });
    expect(queued.flatMap((m) => (m.type === 'send' ? m.subscriberIds : [])).sort()).toEqual(crashed.subscriberIds.slice(35).sort());
    expect((await wiring.deps.store.getCampaign(crashed.campaignId))?.counts).toMatchObject({ sending: 0, sent: 35, pending: 25 });
    wiring.close();
  }, 60_000);
});

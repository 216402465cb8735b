import { afterAll, describe, expect, it } from 'vitest';
import { SesMailer, sesSendingClient } from '../../functions/adapters/ses/ses-mailer';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { reconcileClaims } from '../../functions/app/reconcile-claims';
import { buildLocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';
import { type SesProxy, startSesProxy } from '../support/ses-proxy';

const SEND_EMAIL = 'POST /v2/email/outbound-emails';
let proxy: SesProxy | undefined;
afterAll(async () => {
  await proxy?.close();
});

describe('SES accepted the mail, its answer was lost (SES emulator behind a proxy, DynamoDB Local)', () => {
  it('sends one copy: no SDK retry, the recipient stays claimed and reconciliation settles it from the outbox', async () => {
    // prepare: the mailer as wired, through a proxy that forwards SendEmail and loses one answer
    const { tableName } = await freshTable('answer-lost');
    proxy = await startSesProxy(localConfigFor(tableName).sesEndpoint ?? '');
    const client = sesSendingClient(
      { region: 'eu-west-3', endpoint: proxy.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } },
      { requestTimeoutMs: 1_000 },
    );
    const wiring = buildLocalWiring(
      localConfigFor(tableName),
      { adminToken: 'a', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
      fakeRenderer,
      { concurrency: 1, sendRate: 1_000, onQueueError: () => undefined, wrapMailer: () => new SesMailer(client) },
    );
    const { deps } = wiring;
    await deps.store.putBrand(testBrand);
    const list = await createList(deps, { name: 'Réponse perdue', kind: 'press', optIn: 'single' });
    const domain = uniqueDomain();
    for (const name of ['a', 'b', 'c']) await addSubscriberToList(deps, list.id, { email: `${name}@${domain}` });
    const release = await createRelease(deps, { brandId: testBrand.id, title: 'Réponse perdue' });
    proxy.loseSendAnswers(1);

    // act
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await wiring.queue.idle();

    // assess: SES got each mail once; the one whose answer was lost is left claimed, not retried
    expect(proxy.calls.get(SEND_EMAIL)).toBe(3);
    const outbox = await outboxFor(domain);
    expect(outbox.map((m) => m.destination.to[0]).sort()).toEqual([`a@${domain}`, `b@${domain}`, `c@${domain}`]);
    const ledger = (await deps.store.listRecipients(campaign.id, {})).items;
    const lost = ledger.filter((r) => r.status === 'sending');
    expect(lost).toHaveLength(1);
    expect(ledger.filter((r) => r.status === 'sent')).toHaveLength(2);
    expect((await deps.store.getCampaign(campaign.id))?.status).toBe('running');

    // then reconciliation settles it from the outbox, without a second copy
    expect(await reconcileClaims(deps, campaign.id, 0)).toEqual({ recovered: 1, requeued: 0 });
    await wiring.queue.idle();
    const settled = (await deps.store.getRecipients(campaign.id, [lost[0]?.subscriberId ?? ''])).at(0);
    expect(settled).toMatchObject({
      status: 'sent',
      messageId: outbox.find((m) => m.destination.to[0] === lost[0]?.email)?.messageId,
    });
    expect(await outboxFor(domain)).toHaveLength(3);
    const done = await deps.store.getCampaign(campaign.id);
    expect(done?.status).toBe('finished');
    expect(done?.counts).toMatchObject({ sent: 3, sending: 0, pending: 0, failed: 0 });
    wiring.close();
    client.destroy();
  }, 60_000);
});

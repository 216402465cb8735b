import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { sendTestMail } from '../../functions/app/send-test-mail';
import type { Mailer } from '../../functions/ports';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';

/**
 * Erasure on DynamoDB Local, checked the hard way: after a person signed up, confirmed, was
 * mailed, had a mail refused with their address in SES's error, got a test send and a transient
 * bounce, and was exported then erased, a scan of the WHOLE table finds neither their address
 * (in any case) nor its plain SHA-256, and nothing was logged with it; the address stays
 * suppressed (by a keyed HMAC), and both the export and the erasure are in the audit log with
 * who did them.
 */
let wiring: LocalWiring;
let tableName: string;
const pepper = 'erasure-test-pepper-0123456789';
let refuseFor: string | undefined;

beforeAll(async () => {
  ({ tableName } = await freshTable('erasure'));
  wiring = buildLocalWiring(
    localConfigFor(tableName),
    { adminToken: 'admin', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } }, addressPepper: pepper },
    fakeRenderer,
    {
      concurrency: 2,
      clientAddress: (c) => c.req.header('x-test-client') ?? '192.0.2.1',
      // SES refusing one address, quoting it as SES does
      wrapMailer: (m: Mailer): Mailer => ({
        ping: () => m.ping(),
        send: async (mail) => {
          if (refuseFor !== undefined && mail.to === refuseFor.toLowerCase()) {
            throw Object.assign(new Error(`Email address is not verified. The following identities failed the check: ${refuseFor}`), {
              name: 'MessageRejected',
            });
          }
          return m.send(mail);
        },
      }),
    },
  );
  await wiring.deps.store.putBrand(testBrand);
});

afterAll(() => wiring?.close());

async function scanTable(): Promise<string> {
  const items: unknown[] = [];
  let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
  do {
    const r = await wiring.dynamo.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(r.Items ?? []));
    start = r.LastEvaluatedKey;
  } while (start);
  return JSON.stringify(items);
}

function captureOutput() {
  const written: string[] = [];
  const originals = [process.stdout.write, process.stderr.write] as const;
  for (const stream of [process.stdout, process.stderr]) {
    const original = stream.write.bind(stream);
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      written.push(String(chunk));
      return (original as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof stream.write;
  }
  return {
    text: () => written.join(''),
    restore: () => {
      process.stdout.write = originals[0];
      process.stderr.write = originals[1];
    },
  };
}

async function page(method: string, path: string, form?: Record<string, string | string[]>) {
  const body = new URLSearchParams();
  for (const [k, v] of Object.entries(form ?? {})) for (const x of Array.isArray(v) ? v : [v]) body.append(k, x);
  const r = await wiring.http.request(path, {
    method,
    headers: {
      'user-agent': 'Firefox (test)',
      'x-test-client': '198.51.100.23',
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    body: form ? body.toString() : undefined,
  });
  return { status: r.status, text: await r.text() };
}

describe('erasure on DynamoDB Local', () => {
  it('leaves no address anywhere in the table nor in the logs, keeps it suppressed by HMAC, and audits export and erasure with who did them', async () => {
    // prepare: a whole life in the table
    const output = captureOutput();
    try {
      const { deps } = wiring;
      const domain = uniqueDomain();
      const typed = `Lea.Martin@${domain.toUpperCase()}`;
      const email = typed.toLowerCase();
      const news = await createList(deps, { name: 'Lettre', kind: 'partners', optIn: 'double', publicSignup: true });
      expect((await page('POST', '/subscribe', { email: typed, name: 'Léa Martin', listIds: [news.id], website: '' })).status).toBe(200);
      const [confirmation] = await outboxFor(domain);
      const confirmPath = /https:\/\/communique\.example\.org(\/confirm\/[\w.-]+)/.exec(confirmation?.body.text ?? '')?.[1] ?? '';
      expect((await page('POST', confirmPath)).status).toBe(200);
      const subscriber = await deps.store.getSubscriberByEmail(email);
      const id = subscriber?.id ?? '';
      expect((await deps.store.getMembership(news.id, id))?.status).toBe('confirmed');
      const press = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
      await addSubscriberToList(deps, press.id, { email, profile: { name: 'Léa Martin', outlet: 'La NR' } });

      const first = await createRelease(deps, { brandId: 'cd41', title: 'Premier envoi', body: 'Texte.' });
      const sent = await launchCampaign(deps, { releaseId: first.id, listIds: [news.id] });
      await wiring.queue.idle();
      refuseFor = `Lea.Martin@${domain}`;
      const second = await createRelease(deps, { brandId: 'cd41', title: 'Second envoi', body: 'Texte.' });
      const refused = await launchCampaign(deps, { releaseId: second.id, listIds: [press.id] });
      await wiring.queue.idle();
      refuseFor = undefined;
      expect((await deps.store.getRecipient(sent.campaign.id, id))?.status).toBe('sent');
      expect((await deps.store.getRecipient(refused.campaign.id, id))?.error).toContain(`Lea.Martin@${domain}`);

      await sendTestMail(deps, { releaseId: first.id }, { id: 'u-lea', name: 'Léa (collègue)', role: 'publisher', email });
      expect(await deps.store.countTransientBounce(email)).toBe(1);
      const admin = { authorization: 'Bearer admin' };
      expect((await wiring.http.request(`/api/subscribers/${id}/export`, { headers: admin })).status).toBe(200);
      const before = await scanTable();
      expect(before).toContain(email); // the scan does see the address while it is held

      // act
      expect((await wiring.http.request(`/api/subscribers/${id}`, { method: 'DELETE', headers: admin })).status).toBe(204);

      // assess
      const after = (await scanTable()).toLowerCase();
      for (const variant of [email, typed, `Lea.Martin@${domain}`, 'léa martin', '198.51.100.23']) {
        expect(after).not.toContain(variant.toLowerCase());
      }
      for (const variant of [email, typed, `Lea.Martin@${domain}`]) {
        expect(after).not.toContain(createHash('sha256').update(variant).digest('hex'));
      }
      expect(await deps.store.isSuppressed(email)).toBe(true);
      expect((await addSubscriberToList(deps, press.id, { email: typed })).outcome).toBe('suppressed');
      expect((await deps.store.getRecipient(refused.campaign.id, id))?.error).toContain('[adresse effacée]');
      const month = deps.clock.now().toISOString().slice(0, 7);
      const audit = await deps.store.listAudit(month);
      expect(audit.filter((e) => e.entityId === id).map((e) => [e.action, e.actorId, e.entity])).toEqual([
        ['subscriber.exported', expect.any(String), 'subscriber'],
        ['subscriber.erased', expect.any(String), 'subscriber'],
      ]);
      expect(audit.find((e) => e.action === 'subscriber.erased')?.actorName).toBeTruthy();
      expect(audit.find((e) => e.action === 'release.test_sent')?.detail).toBe(`envoi de test à l***@${domain}`);
      expect(output.text().toLowerCase()).not.toContain(email);
    } finally {
      output.restore();
    }
  });
});

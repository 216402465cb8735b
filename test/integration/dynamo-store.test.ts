import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { emptyCounts, type Campaign } from '../../functions/domain/campaign';
import { ConflictError } from '../../functions/domain/errors';
import type { Release } from '../../functions/domain/release';
import { releaseContentSchema } from '../../functions/domain/release';
import { testBrand } from '../support/fakes';
import { freshTable } from '../support/emulator-context';

let store: DynamoStore;
const at = '2026-03-06T09:00:00.000Z';

beforeAll(async () => {
  const { client, tableName } = await freshTable('store');
  store = new DynamoStore(client, tableName);
});

const release = (id: string, date: string, version = 1): Release => ({
  id,
  status: 'draft',
  version,
  content: releaseContentSchema.parse({ brandId: 'cd41', title: `Communiqué ${id}`, dateline: { city: 'Blois', date } }),
  createdAt: at,
  updatedAt: at,
});

describe('DynamoStore against DynamoDB Local', () => {
  it('keeps one subscriber per address, even under concurrent creation', async () => {
    const base = { email: 'anne@example.org', tags: [], language: 'fr', createdAt: at, updatedAt: at };
    const results = await Promise.all(['s1', 's2', 's3'].map((id) => store.createSubscriber({ ...base, id })));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    const winner = results.find((r) => r.created)?.subscriber.id;
    expect(new Set(results.map((r) => r.subscriber.id))).toEqual(new Set([winner]));
    expect((await store.getSubscriberByEmail('anne@example.org'))?.id).toBe(winner);
  });

  it('lists releases of a brand newest first and keeps every version', async () => {
    await store.putBrand(testBrand);
    await store.createRelease(release('r-old', '2023-03-06'));
    await store.createRelease(release('r-new', '2024-04-02'));
    const edited = { ...release('r-old', '2023-03-06', 2), content: { ...release('r-old', '2023-03-06').content, title: 'Titre revu' } };
    await store.updateRelease(edited, 1);

    const page = await store.listReleasesByBrand('cd41');
    expect(page.items.map((r) => r.id)).toEqual(['r-new', 'r-old']);
    expect((await store.getReleaseVersion('r-old', 1))?.title).toBe('Communiqué r-old');
    expect((await store.getReleaseVersion('r-old', 2))?.title).toBe('Titre revu');
    await expect(store.updateRelease(edited, 1)).rejects.toBeInstanceOf(ConflictError);
  });

  it('pages through the members of a list by cursor', async () => {
    await store.createList({ id: 'big', name: 'Grande liste', description: '', kind: 'press', optIn: 'single', publicSignup: false, createdAt: at });
    for (let i = 0; i < 25; i++) {
      await store.putMembership({ listId: 'big', subscriberId: `m${String(i).padStart(2, '0')}`, email: `m${i}@example.org`, status: 'confirmed', updatedAt: at });
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await store.listMembers('big', { limit: 10, cursor });
      seen.push(...page.items.map((m) => m.subscriberId));
      cursor = page.cursor;
      pages++;
    } while (cursor);
    expect(seen).toHaveLength(25);
    expect(new Set(seen).size).toBe(25);
    expect(pages).toBeGreaterThanOrEqual(3);
  });

  it('claims a recipient once and keeps the campaign counts in step with the ledger', async () => {
    const campaign: Campaign = { id: 'c1', releaseId: 'r-new', listIds: ['big'], sender: { name: 'CD41', address: 'presse@example.org' }, status: 'running', counts: emptyCounts(), createdAt: at };
    const mail = { formatVersion: 1 as const, subject: 's', html: ['h'], text: ['t'] };
    expect((await store.createCampaign(campaign, mail)).created).toBe(true);
    expect((await store.createCampaign(campaign, mail)).created).toBe(false);
    const r = (id: string) => ({ campaignId: 'c1', subscriberId: id, email: `${id}@example.org`, listIds: ['big'], status: 'pending' as const, updatedAt: at });
    expect(await store.addRecipients('c1', [r('a'), r('b'), r('c')])).toBe(3);
    expect(await store.addRecipients('c1', [r('a'), r('d')])).toBe(1);
    await store.setCampaignTotal('c1', await store.countRecipients('c1'));

    const claims = await Promise.all([1, 2, 3, 4].map(() => store.claimRecipient('c1', 'a', at)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    await store.settleRecipient('c1', 'a', { status: 'sent', messageId: 'm-1' }, at);
    expect(await store.claimRecipient('c1', 'a', at)).toBe(false);
    await store.claimRecipient('c1', 'b', at);
    await store.settleRecipient('c1', 'b', { status: 'pending', error: 'throttled' }, at);

    const c = await store.getCampaign('c1');
    expect(c?.counts).toEqual({ pending: 3, sending: 0, sent: 1, failed: 0, skipped: 0 });
    expect((await store.getRecipient('c1', 'a'))?.messageId).toBe('m-1');
    expect((await store.listRecipients('c1', { status: 'pending' })).items.map((x) => x.subscriberId).sort()).toEqual(['b', 'c', 'd']);
    expect(await store.getCompiledMail('c1')).toEqual(mail);
  });

  it('moves a campaign status only from the states allowed', async () => {
    expect(await store.setCampaignStatus('c1', 'finished', ['paused'], at)).toBe(false);
    expect(await store.setCampaignStatus('c1', 'paused', ['running'], at)).toBe(true);
    expect((await store.getCampaign('c1'))?.status).toBe('paused');
  });

  it('remembers suppressions by hash only', async () => {
    await store.suppress('bounced@example.org', 'hard-bounce', at);
    expect(await store.isSuppressed('bounced@example.org')).toBe(true);
    expect(await store.isSuppressed('other@example.org')).toBe(false);
  });
});

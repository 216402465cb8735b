import { describe, expect, it } from 'vitest';
import { handleSendMessage } from '../../../functions/app/handle-send-message';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { SendTimeBudget } from '../../../functions/domain/send-time-budget';
import type { SendMessage } from '../../../functions/ports';
import { fakeDeps, testBrand } from '../../support/fakes';

/** Simulated cost of reading list members: 5 ms each, so a page of 1,000 takes 5 s of the invocation. */
const MS_PER_MEMBER = 5;
/** Each invocation’s time: with 10 s kept for a chunk, a new page is read only in the first 4 s: about 1,000 members each. */
const INVOCATION_MS = 14_000;

describe('an audience snapshot in chunks across invocations', () => {
  it('writes 10,000 people from two overlapping lists in several invocations, each in its time, sending from the first chunk', async () => {
    // prepare: A holds people 0–6999, B holds 5000–9999 (2,000 on both), 10,000 people in all
    const { deps, store, clock, queue, mailer } = fakeDeps({ batchSize: 50 });
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Festival du travail social', body: 'Texte.' });
    const a = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const b = await createList(deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });
    const at = clock.now().toISOString();
    const people = 10_000;
    for (let i = 0; i < people; i++) {
      const id = `s${String(i).padStart(5, '0')}`;
      const email = `p${i}@example.org`;
      await store.createSubscriber({ id, email, tags: [], language: 'fr', createdAt: at, updatedAt: at });
      if (i < 7_000) await store.putMembership({ listId: a.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
      if (i >= 5_000) await store.putMembership({ listId: b.id, subscriberId: id, email, status: 'confirmed', updatedAt: at });
    }
    const listMembers = store.listMembers.bind(store);
    const sends: SendMessage[] = [];
    const sendsBeforeEachRead: number[] = [];
    store.listMembers = async (listId, options) => {
      sendsBeforeEachRead.push(sends.length + queue.messages.filter((m) => m.type === 'send').length);
      const page = await listMembers(listId, options);
      clock.advance(page.items.length * MS_PER_MEMBER);
      return page;
    };
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [a.id, b.id] });
    sendsBeforeEachRead.length = 0; // the launch looked for one reachable person; the snapshot reads from here

    // act: deliver the launch messages one invocation at a time, each with its own deadline
    const invocations: { deadlineMs: number; endedMs: number }[] = [];
    for (let guard = 0; guard < 100; guard++) {
      const launch = queue.messages.findIndex((m) => m.type === 'launch');
      if (launch < 0) break;
      const [message] = queue.messages.splice(launch, 1) as [SendMessage];
      const deadlineMs = clock.now().getTime() + INVOCATION_MS;
      await handleSendMessage(deps, message, { budget: new SendTimeBudget(deadlineMs) });
      invocations.push({ deadlineMs, endedMs: clock.now().getTime() });
      sends.push(...queue.messages.filter((m) => m.type === 'send'));
      queue.messages.splice(0, queue.messages.length, ...queue.messages.filter((m) => m.type !== 'send'));
      expect((await store.getCampaign(campaign.id))?.status).toBe('running');
      clock.advance(1_000); // the queue's delay before the next launch is received
    }

    // assess: several invocations, none past its deadline
    expect(invocations.length).toBeGreaterThanOrEqual(10);
    for (const i of invocations) expect(i.endedMs).toBeLessThanOrEqual(i.deadlineMs);
    // the first send messages were queued right after the first chunk, before the second read
    expect(sendsBeforeEachRead[0]).toBe(0);
    expect(sendsBeforeEachRead[1]).toBe(250 / 50);
    // one ledger entry per person, each with every list they are on, and an exact total
    const ledger = [];
    let cursor: string | undefined;
    do {
      const page = await store.listRecipients(campaign.id, { cursor, limit: 1000 });
      ledger.push(...page.items);
      cursor = page.cursor;
    } while (cursor);
    expect(ledger).toHaveLength(people);
    expect(new Set(ledger.map((r) => r.subscriberId)).size).toBe(people);
    const both = ledger.filter((r) => r.listIds.length === 2);
    expect(both).toHaveLength(2_000);
    expect(both.every((r) => Number(r.subscriberId.slice(1)) >= 5_000 && Number(r.subscriberId.slice(1)) < 7_000)).toBe(true);
    expect((await store.getCampaign(campaign.id))?.total).toBe(people);
    expect(await store.getSnapshotProgress(campaign.id)).toBeUndefined();
    // every person queued exactly once
    const queued = sends.flatMap((m) => (m.type === 'send' ? m.subscriberIds : []));
    expect(queued).toHaveLength(people);
    expect(new Set(queued).size).toBe(people);
    // and, sent, one mail each: the campaign finishes with the snapshot's total
    await queue.enqueue(sends);
    await queue.drain();
    expect(mailer.sent).toHaveLength(people);
    expect(new Set(mailer.sent.map((m) => m.to)).size).toBe(people);
    expect(await store.getCampaign(campaign.id)).toMatchObject({ status: 'finished', total: people, counts: { sent: people } });
  });
});

describe('a scheduled campaign’s snapshot when its schedule fires', () => {
  it('keeps to the firing invocation’s deadline: suspended with a continuation, resumed by launches, everyone written once', async () => {
    // prepare: 2,000 people on one list, a campaign scheduled for 10:00 Paris time
    const scheduled = new Map<string, Date>();
    const scheduler = { schedule: async (id: string, at: Date) => void scheduled.set(id, at), unschedule: async () => {} };
    const { deps, store, clock, queue } = fakeDeps({ batchSize: 50, scheduler });
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Programmé', body: 'Texte.' });
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const at = clock.now().toISOString();
    for (let i = 0; i < 2_000; i++) {
      const id = `s${String(i).padStart(4, '0')}`;
      await store.createSubscriber({ id, email: `p${i}@example.org`, tags: [], language: 'fr', createdAt: at, updatedAt: at });
      await store.putMembership({ listId: list.id, subscriberId: id, email: `p${i}@example.org`, status: 'confirmed', updatedAt: at });
    }
    const listMembers = store.listMembers.bind(store);
    store.listMembers = async (listId, options) => {
      const page = await listMembers(listId, options);
      clock.advance(page.items.length * MS_PER_MEMBER);
      return page;
    };
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id], sendAt: '2026-03-07T10:00' });
    clock.advance((scheduled.get(campaign.id)?.getTime() ?? 0) - clock.now().getTime() + 1_000);
    queue.messages.length = 0;

    // act: the schedule fires in an invocation of 14 s
    const deadlineMs = clock.now().getTime() + INVOCATION_MS;
    await handleSendMessage(deps, { type: 'fire', campaignId: campaign.id }, { budget: new SendTimeBudget(deadlineMs) });
    const endedMs = clock.now().getTime();
    const suspended = await store.getSnapshotProgress(campaign.id);
    const resumeQueued = queue.messages.some((m) => m.type === 'launch' && m.campaignId === campaign.id);
    for (let guard = 0; guard < 20; guard++) {
      const i = queue.messages.findIndex((m) => m.type === 'launch');
      if (i < 0) break;
      const [message] = queue.messages.splice(i, 1) as [SendMessage];
      await handleSendMessage(deps, message, { budget: new SendTimeBudget(clock.now().getTime() + INVOCATION_MS) });
    }

    // assess
    expect(endedMs).toBeLessThanOrEqual(deadlineMs);
    expect(suspended).toBeDefined();
    expect(resumeQueued).toBe(true);
    expect((await store.getCampaign(campaign.id))?.total).toBe(2_000);
    expect(await store.countRecipients(campaign.id)).toBe(2_000);
  });
});

describe('a snapshot the periodic sweep takes over', () => {
  it('keeps to the sweep’s deadline too: a due schedule nobody fired and a launch that was lost, each written in chunks, everyone once', async () => {
    // prepare: 2,000 people on one list; campaign A scheduled and due, nobody fired it; campaign B launched, its launch message lost
    const scheduler = { schedule: async () => {}, unschedule: async () => {} };
    const { deps, store, clock, queue } = fakeDeps({ batchSize: 50, scheduler });
    await store.putBrand(testBrand);
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Balayage', body: 'Texte.' });
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    const at = clock.now().toISOString();
    for (let i = 0; i < 2_000; i++) {
      const id = `s${String(i).padStart(4, '0')}`;
      await store.createSubscriber({ id, email: `p${i}@example.org`, tags: [], language: 'fr', createdAt: at, updatedAt: at });
      await store.putMembership({ listId: list.id, subscriberId: id, email: `p${i}@example.org`, status: 'confirmed', updatedAt: at });
    }
    const scheduledCampaign = (await launchCampaign(deps, { releaseId: release.id, listIds: [list.id], sendAt: '2026-03-07T10:00' }))
      .campaign;
    clock.advance(Date.parse(scheduledCampaign.sendAt ?? '') - clock.now().getTime() + 1_000);
    const lostLaunch = (await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] })).campaign;
    queue.messages.length = 0;
    const listMembers = store.listMembers.bind(store);
    store.listMembers = async (listId, options) => {
      const page = await listMembers(listId, options);
      clock.advance(page.items.length * MS_PER_MEMBER);
      return page;
    };

    // act: sweeps (one a minute) and the launches they leave, each an invocation of 14 s
    const invocations: { kind: string; deadlineMs: number; endedMs: number }[] = [];
    for (let guard = 0; guard < 40; guard++) {
      const done = await Promise.all(
        [scheduledCampaign.id, lostLaunch.id].map(async (id) => (await store.getCampaign(id))?.total !== undefined),
      );
      if (done.every(Boolean)) break;
      const i = queue.messages.findIndex((m) => m.type === 'launch');
      const message: SendMessage = i >= 0 ? (queue.messages.splice(i, 1)[0] as SendMessage) : { type: 'sweep' };
      const deadlineMs = clock.now().getTime() + INVOCATION_MS;
      await handleSendMessage(deps, message, { budget: new SendTimeBudget(deadlineMs) });
      invocations.push({ kind: message.type, deadlineMs, endedMs: clock.now().getTime() });
      queue.messages.splice(0, queue.messages.length, ...queue.messages.filter((m) => m.type !== 'send'));
      clock.advance(message.type === 'sweep' ? 60_000 : 1_000);
    }

    // assess: the sweep suspended the snapshots it took (each resumed by a launch), no invocation ran past its time
    expect(invocations.filter((i) => i.kind === 'sweep').length).toBeGreaterThanOrEqual(2);
    expect(invocations.filter((i) => i.kind === 'launch').length).toBeGreaterThanOrEqual(2);
    for (const i of invocations) expect(i.endedMs).toBeLessThanOrEqual(i.deadlineMs);
    for (const id of [scheduledCampaign.id, lostLaunch.id]) {
      expect((await store.getCampaign(id))?.total).toBe(2_000);
      expect(await store.countRecipients(id)).toBe(2_000);
      expect(await store.getSnapshotProgress(id)).toBeUndefined();
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { logFeedbackOutcome, recordSesEvent } from '../../../functions/app/record-ses-event';
import { emptyCounts } from '../../../functions/domain/campaign';
import { fakeCompile, fakeDeps, testBrand } from '../../support/fakes';

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ses-events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;
const withMessageId = (event: Record<string, unknown>, id: string) => {
  const copy = structuredClone(event) as { mail: { messageId: string } };
  copy.mail.messageId = id;
  return copy;
};

describe('recording SES feedback', () => {
  it('suppresses on a permanent bounce (EventBridge shape), once even if the event is delivered twice', async () => {
    const { deps, store } = fakeDeps();
    const event = fixture('bounce-permanent.eventbridge.json');
    expect(await recordSesEvent(deps, event)).toEqual({ kind: 'recorded', eventType: 'Bounce', suppressed: ['bounced@example.org'] });
    expect(await recordSesEvent(deps, event)).toEqual({ kind: 'duplicate' });
    expect(await store.suppressionOf('bounced@example.org')).toMatchObject({ reason: 'hard-bounce' });
  });

  it('suppresses on a complaint (SNS shape)', async () => {
    const { deps, store } = fakeDeps();
    await recordSesEvent(deps, fixture('complaint.sns.json'));
    expect(await store.suppressionOf('angry@example.org')).toMatchObject({ reason: 'complaint' });
  });

  it('counts transient bounces and suppresses only at the limit', async () => {
    const { deps, store } = fakeDeps();
    const event = fixture('bounce-transient.json');
    await recordSesEvent(deps, withMessageId(event, 't1'), { transientBounceLimit: 3 });
    await recordSesEvent(deps, withMessageId(event, 't2'), { transientBounceLimit: 3 });
    expect(await store.isSuppressed('full@example.org')).toBe(false);
    await recordSesEvent(deps, withMessageId(event, 't3'), { transientBounceLimit: 3 });
    expect(await store.suppressionOf('full@example.org')).toMatchObject({ reason: 'soft-bounces' });
  });

  it('a bounced address is skipped by the next campaign', async () => {
    const { deps, store, mailer, queue } = fakeDeps();
    await store.putBrand(testBrand);
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    await addSubscriberToList(deps, list.id, { email: 'bounced@example.org' });
    await addSubscriberToList(deps, list.id, { email: 'fine@example.org' });
    await recordSesEvent(deps, fixture('bounce-permanent.eventbridge.json'));
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Communiqué' });
    await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    await queue.drain();
    expect(mailer.sent.map((m) => m.to)).toEqual(['fine@example.org']);
  });

  it('settles a claim from the Send event when the worker could not record it', async () => {
    const { deps, store } = fakeDeps();
    await store.addRecipients('c9', [
      { campaignId: 'c9', subscriberId: 's9', email: 's9@example.org', listIds: [], status: 'pending', updatedAt: '' },
    ]);
    await store.claimRecipient('c9', 's9', '2026-03-06T10:00:00Z');
    await recordSesEvent(deps, {
      eventType: 'Send',
      mail: { messageId: 'm-9', destination: ['s9@example.org'], tags: { campaign: ['c9'], recipient: ['s9'] } },
    });
    expect(await store.getRecipient('c9', 's9')).toMatchObject({ status: 'sent', messageId: 'm-9' });
  });

  it('settles from a Send event delivered twice without marking it seen (settling is idempotent): one sent, counted once', async () => {
    const { deps, store } = fakeDeps();
    await store.addRecipients('c8', [
      { campaignId: 'c8', subscriberId: 's8', email: 's8@example.org', listIds: [], status: 'pending', updatedAt: '' },
    ]);
    await store.claimRecipient('c8', 's8', '2026-03-06T10:00:00Z');
    const send = {
      eventType: 'Send',
      mail: { messageId: 'm-8', destination: ['s8@example.org'], tags: { campaign: ['c8'], recipient: ['s8'] } },
    };
    const seen = store.markEventSeen.bind(store);
    const marks: string[] = [];
    store.markEventSeen = async (key) => {
      marks.push(key);
      return seen(key);
    };
    expect(await recordSesEvent(deps, send)).toEqual({ kind: 'recorded', eventType: 'Send', suppressed: [] });
    expect(await recordSesEvent(deps, send)).toEqual({ kind: 'recorded', eventType: 'Send', suppressed: [] });
    expect(marks).toEqual([]);
    expect(await store.getRecipient('c8', 's8')).toMatchObject({ status: 'sent', messageId: 'm-8' });
    expect((await store.tallyLedger('c8')).counts).toMatchObject({ sending: 0, sent: 1 });
  });

  it('logs the routine events (Send, Delivery, a duplicate) at debug, what a person may look for at info', () => {
    const lines: string[] = [];
    const logger = {
      info: (_m: string, extra: Record<string, unknown>) => lines.push(`info ${JSON.stringify(extra.outcome)}`),
      debug: (_m: string, extra: Record<string, unknown>) => lines.push(`debug ${JSON.stringify(extra.outcome)}`),
    };
    logFeedbackOutcome(logger, 'Email Sent', { kind: 'recorded', eventType: 'Send', suppressed: [] });
    logFeedbackOutcome(logger, 'Email Delivered', { kind: 'recorded', eventType: 'Delivery', suppressed: [] });
    logFeedbackOutcome(logger, 'Email Delivered', { kind: 'duplicate' });
    logFeedbackOutcome(logger, 'Email Bounced', { kind: 'recorded', eventType: 'Bounce', suppressed: ['x@example.org'] });
    logFeedbackOutcome(logger, 'Email Complaint Received', { kind: 'recorded', eventType: 'Complaint', suppressed: [] });
    logFeedbackOutcome(logger, 'Email Opened', { kind: 'ignored', eventType: 'Open' });
    expect(lines.map((l) => l.split(' ')[0])).toEqual(['debug', 'debug', 'debug', 'info', 'info', 'info']);
  });

  it('loses no suppression when a write fails part-way: the redelivered event suppresses', async () => {
    const { deps, store } = fakeDeps();
    const suppress = store.suppress.bind(store);
    let failures = 1;
    store.suppress = async (...args) => {
      if (failures-- > 0) throw new Error('ProvisionedThroughputExceededException');
      return suppress(...args);
    };
    const event = fixture('complaint.sns.json');
    await expect(recordSesEvent(deps, event)).rejects.toThrow(/ProvisionedThroughput/);
    expect(await store.isSuppressed('angry@example.org')).toBe(false);
    expect(await recordSesEvent(deps, event)).toMatchObject({ kind: 'recorded', suppressed: ['angry@example.org'] });
    expect(await store.suppressionOf('angry@example.org')).toMatchObject({ reason: 'complaint' });
  });

  it('counts a rejected mail (SES refused it: a virus) once on its campaign, suppressing no one', async () => {
    const { deps, store } = fakeDeps();
    await store.createCampaign(
      {
        id: 'c-feedback',
        releaseId: 'r',
        listIds: [],
        sender: { name: 'S', address: 's@example.org' },
        status: 'running',
        counts: emptyCounts(),
        createdAt: '2026-03-06T10:00:00Z',
      },
      await fakeCompile({ content: { title: 'T' } }),
    );
    const event = fixture('reject.eventbridge.json');

    expect(await recordSesEvent(deps, event)).toEqual({ kind: 'recorded', eventType: 'Reject', suppressed: [] });
    expect(await recordSesEvent(deps, event)).toEqual({ kind: 'duplicate' });
    expect((await store.getCampaign('c-feedback'))?.delivery).toMatchObject({ rejected: 1 });
    expect(await store.isSuppressed('someone@example.org')).toBe(false);
  });

  it('refuses a malformed event with a precise message', async () => {
    const { deps } = fakeDeps();
    await expect(recordSesEvent(deps, { eventType: 'Bounce' })).rejects.toThrow(/mail/);
  });
});

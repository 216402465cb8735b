import { readFileSync } from 'node:fs';
import type { EventBridgeEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRANSIENT_BOUNCE_LIMIT } from '../../functions/app/record-ses-event';
import { awsHandlerEnv, launchedCampaign } from '../support/lambda-handler-env';

/**
 * The feedback Lambda (functions/handlers/feedback.ts) as EventBridge invokes it: SES events of
 * the configuration set, in the envelope AWS documents (`detail-type` "Email Sent", "Email
 * Delivered", "Email Bounced", "Email Complaint Received", "Email Rejected", the SES record as
 * `detail`), against DynamoDB Local. Fixtures: test/fixtures/ses-events/*.eventbridge.json; each
 * test puts its own campaign, recipient, address and message id into the fixture's `mail`.
 */
type SesEnvelope = EventBridgeEvent<string, Record<string, unknown>>;
type FeedbackHandler = (event: SesEnvelope) => Promise<{ kind: string; suppressed?: string[] }>;

const fixture = (name: string): SesEnvelope =>
  JSON.parse(readFileSync(new URL(`../fixtures/ses-events/${name}.eventbridge.json`, import.meta.url), 'utf8')) as SesEnvelope;

let seq = 0;
/** The fixture, about this mail: tags, destination and bounced or complained address replaced. */
function about(name: string, mail: { campaignId: string; subscriberId: string; email: string; messageId?: string }): SesEnvelope {
  const event = fixture(name);
  const detail = event.detail as {
    mail: { messageId: string; destination: string[]; tags: Record<string, string[]> };
    bounce?: { bouncedRecipients: { emailAddress: string }[] };
    complaint?: { complainedRecipients: { emailAddress: string }[] };
  };
  detail.mail.messageId = mail.messageId ?? `0102018e-${name}-${++seq}`;
  detail.mail.destination = [mail.email];
  detail.mail.tags = { ...detail.mail.tags, campaign: [mail.campaignId], recipient: [mail.subscriberId] };
  // Keep the display-name form SES sometimes reports ("Name <address>").
  const swap = (r: { emailAddress: string }) => {
    r.emailAddress = r.emailAddress.includes('<') ? `Destinataire <${mail.email}>` : mail.email;
  };
  detail.bounce?.bouncedRecipients.forEach(swap);
  detail.complaint?.complainedRecipients.forEach(swap);
  return event;
}

let world: Awaited<ReturnType<typeof launchedCampaign>>;
let handler: FeedbackHandler;

beforeAll(async () => {
  world = await launchedCampaign(['sent', 'delivered', 'bounced', 'full', 'angry', 'rejected']);
  awsHandlerEnv(world.tableName);
  ({ handler } = (await import('../../functions/handlers/feedback')) as { handler: FeedbackHandler });
});

const mailTo = (local: string) => ({
  campaignId: world.campaign.id,
  subscriberId: world.subscriberId(local),
  email: `${local}@${world.domain}`,
});

describe('feedback handler with EventBridge SES events, on DynamoDB Local', () => {
  it('Email Sent settles a claim the worker never recorded, once', async () => {
    const { store, campaign } = world;
    const who = mailTo('sent');
    expect(await store.claimRecipient(campaign.id, who.subscriberId, new Date().toISOString())).toBe(true);
    const event = about('send', { ...who, messageId: '0102018e-send-settle' });
    expect(event['detail-type']).toBe('Email Sent');

    expect(await handler(event)).toMatchObject({ kind: 'recorded' });
    expect(await store.getRecipient(campaign.id, who.subscriberId)).toMatchObject({ status: 'sent', messageId: '0102018e-send-settle' });
    const counted = (await store.getCampaign(campaign.id))?.counts;
    // Redelivered: settling is idempotent, so a Send event has no seen-mark; it changes nothing the second time.
    expect(await handler(event)).toEqual({ kind: 'recorded', eventType: 'Send', suppressed: [] });
    expect(await store.getRecipient(campaign.id, who.subscriberId)).toMatchObject({ status: 'sent', messageId: '0102018e-send-settle' });
    expect((await store.getCampaign(campaign.id))?.counts).toEqual(counted);
  });

  it('Email Delivered counts a delivery on the campaign, and a redelivered event counts nothing more', async () => {
    const event = about('delivery', mailTo('delivered'));
    expect(await handler(event)).toMatchObject({ kind: 'recorded', suppressed: [] });
    expect(await handler(event)).toEqual({ kind: 'duplicate' });
    expect((await world.store.getCampaign(world.campaign.id))?.delivery?.delivered).toBe(1);
  });

  it('a permanent Email Bounced suppresses the address at once and counts a bounce', async () => {
    const who = mailTo('bounced');
    const event = about('bounce-permanent', who);
    expect(event['detail-type']).toBe('Email Bounced');
    expect(await handler(event)).toMatchObject({ kind: 'recorded', suppressed: [who.email] });
    expect((await world.store.suppressionOf(who.email))?.reason).toBe('hard-bounce');
    expect((await world.store.getCampaign(world.campaign.id))?.delivery?.bounced).toBe(1);
  });

  it('transient Email Bounced events suppress only at the limit, each counted once', async () => {
    const who = mailTo('full');
    for (let i = 1; i < DEFAULT_TRANSIENT_BOUNCE_LIMIT; i++) {
      expect(await handler(about('bounce-transient', who))).toMatchObject({ kind: 'recorded', suppressed: [] });
      expect(await world.store.suppressionOf(who.email)).toBeUndefined();
    }
    const last = about('bounce-transient', who);
    expect(await handler(last)).toMatchObject({ kind: 'recorded', suppressed: [who.email] });
    expect(await handler(last)).toEqual({ kind: 'duplicate' });
    expect((await world.store.suppressionOf(who.email))?.reason).toBe('soft-bounces');
    expect((await world.store.getCampaign(world.campaign.id))?.delivery?.transientBounces).toBe(DEFAULT_TRANSIENT_BOUNCE_LIMIT);
  });

  it('Email Complaint Received suppresses the address and counts a complaint', async () => {
    const who = mailTo('angry');
    const event = about('complaint', who);
    expect(event['detail-type']).toBe('Email Complaint Received');
    expect(await handler(event)).toMatchObject({ kind: 'recorded', suppressed: [who.email] });
    expect((await world.store.suppressionOf(who.email))?.reason).toBe('complaint');
    expect((await world.store.getCampaign(world.campaign.id))?.delivery?.complaints).toBe(1);
  });

  it('Email Rejected counts a rejection and suppresses nobody', async () => {
    const who = mailTo('rejected');
    const event = about('reject', who);
    expect(event['detail-type']).toBe('Email Rejected');
    expect(await handler(event)).toMatchObject({ kind: 'recorded', suppressed: [] });
    expect(await world.store.suppressionOf(who.email)).toBeUndefined();
    expect((await world.store.getCampaign(world.campaign.id))?.delivery?.rejected).toBe(1);
  });

  it('a malformed detail fails the invocation (Lambda retries, then the dead-letter queue keeps it)', async () => {
    const event = fixture('delivery');
    (event.detail as { mail?: unknown }).mail = undefined;
    await expect(handler(event)).rejects.toThrow();
  });
});

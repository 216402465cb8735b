import { describe, expect, it } from 'vitest';
import {
  InvalidSendMessageError,
  MAX_SEND_MESSAGE_BYTES,
  packSendMessages,
  parseSendMessage,
} from '../../../functions/app/send-message-codec';
import type { QueuedRecipient } from '../../../functions/ports';

const snapshotAt = '2026-11-28T05:00:00.000Z';
const recipient = (n: number, local = `contact${n}`, name?: string): QueuedRecipient => ({
  subscriberId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  email: `${local}@exemple.fr`,
  listIds: ['11111111-1111-4111-8111-111111111111'],
  ...(name ? { name } : {}),
});

describe('send messages carry the snapshot’s recipients within SQS’s limits', () => {
  it('packs at most the batch size per message, and reads back what it wrote', () => {
    const recipients = Array.from({ length: 120 }, (_, n) => recipient(n, `c${n}`, n % 2 ? 'Léa Martin' : undefined));

    const messages = packSendMessages('c1', recipients, snapshotAt, 50);

    expect(messages.map((m) => (m.type === 'send' ? m.subscriberIds.length : 0))).toEqual([50, 50, 20]);
    for (const m of messages) expect(parseSendMessage(JSON.stringify(m))).toEqual(m);
  });

  it('makes fewer recipients per message when addresses, names and lists are long: no body over the limit, so ten fit one SendMessageBatch', () => {
    const long = Array.from({ length: 300 }, (_, n) => ({
      ...recipient(n, `${'x'.repeat(200)}${n}`, 'N'.repeat(300)),
      listIds: Array.from({ length: 20 }, (_, l) => `list-${l}-${'y'.repeat(30)}`),
    }));

    const messages = packSendMessages('c1', long, snapshotAt, 50);

    const sizes = messages.map((m) => new TextEncoder().encode(JSON.stringify(m)).byteLength);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_SEND_MESSAGE_BYTES);
    expect(MAX_SEND_MESSAGE_BYTES * 10).toBeLessThanOrEqual(256 * 1024);
    expect(messages.length).toBeGreaterThan(300 / 50);
    expect(messages.flatMap((m) => (m.type === 'send' ? m.subscriberIds : []))).toEqual(long.map((r) => r.subscriberId));
  });

  it('reads the older shapes (ids only, launch, fire, sweep)', () => {
    expect(parseSendMessage('{"type":"send","campaignId":"c1","subscriberIds":["a","b"]}')).toEqual({
      type: 'send',
      campaignId: 'c1',
      subscriberIds: ['a', 'b'],
    });
    expect(parseSendMessage('{"type":"launch","campaignId":"c1"}')).toEqual({ type: 'launch', campaignId: 'c1' });
    expect(parseSendMessage('{"type":"fire","campaignId":"c1"}')).toEqual({ type: 'fire', campaignId: 'c1' });
    expect(parseSendMessage('{"type":"sweep"}')).toEqual({ type: 'sweep' });
  });

  it.each([
    ['not JSON', 'nope', /not JSON/],
    ['an unknown type', '{"type":"sned"}', /unknown type/],
    ['no campaign', '{"type":"send","subscriberIds":[]}', /campaignId/],
    [
      'recipients that do not match the ids',
      `{"type":"send","campaignId":"c1","subscriberIds":["a"],"recipients":[{"subscriberId":"b","email":"b@x.fr","listIds":[]}],"snapshotAt":"${snapshotAt}"}`,
      /do not match/,
    ],
    [
      'a recipient without address',
      `{"type":"send","campaignId":"c1","subscriberIds":["a"],"recipients":[{"subscriberId":"a","listIds":[]}],"snapshotAt":"${snapshotAt}"}`,
      /email/,
    ],
    [
      'recipients without a snapshot mark',
      '{"type":"send","campaignId":"c1","subscriberIds":["a"],"recipients":[{"subscriberId":"a","email":"a@x.fr","listIds":[]}]}',
      /snapshotAt/,
    ],
  ])('refuses %s, saying why', (_what, body, why) => {
    expect(() => parseSendMessage(body)).toThrow(InvalidSendMessageError);
    expect(() => parseSendMessage(body)).toThrow(why);
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidSesEventError, parseSesEvent } from '../../../functions/domain/ses-event';

const bounce = {
  eventType: 'Bounce',
  mail: { messageId: 'm1', destination: ['a@exemple.fr'], tags: { campaign: ['c1'] }, extra: 'ignoré' },
  bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'a@exemple.fr', diagnosticCode: '550' }] },
};

describe('parseSesEvent (hand-checked, zod-free: the feedback worker’s whole validation)', () => {
  it('reads an EventBridge event, an SNS notification and the bare event alike', () => {
    const expected = {
      eventType: 'Bounce',
      mail: { messageId: 'm1', destination: ['a@exemple.fr'], tags: { campaign: ['c1'] } },
      bounce: { bounceType: 'Permanent', bouncedRecipients: [{ emailAddress: 'a@exemple.fr', diagnosticCode: '550' }] },
    };
    expect(parseSesEvent({ detail: bounce })).toEqual(expected);
    expect(parseSesEvent({ Sns: { Message: JSON.stringify(bounce) } })).toEqual(expected);
    expect(parseSesEvent(bounce)).toEqual(expected);
  });

  it('defaults destination and tags, as SES may leave them out', () => {
    expect(parseSesEvent({ eventType: 'Send', mail: { messageId: 'm2' } }).mail).toEqual({ messageId: 'm2', destination: [], tags: {} });
  });

  it.each([
    ['an unknown event type', { ...bounce, eventType: 'Bounced' }, /eventType/],
    ['no mail', { eventType: 'Bounce' }, /mail/],
    ['a bounce type SES does not send', { ...bounce, bounce: { ...bounce.bounce, bounceType: 'Soft' } }, /bounce\.bounceType/],
    [
      'a recipient without address',
      { ...bounce, bounce: { ...bounce.bounce, bouncedRecipients: [{}] } },
      /bouncedRecipients\.0\.emailAddress/,
    ],
  ])('refuses %s, naming where', (_what, event, where) => {
    expect(() => parseSesEvent(event)).toThrow(InvalidSesEventError);
    expect(() => parseSesEvent(event)).toThrow(where);
  });
});

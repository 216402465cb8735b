import type { QueuedRecipient, SendMessage } from '../ports';

/**
 * The send queue's messages, written and read without zod (the send worker's bundle stays
 * small: issue 13). Checked by hand at the boundary: a body that is not a send message is an
 * error naming what is wrong, never a half-read message.
 */

/**
 * Bytes of one send message body, at most. SQS takes 256 KiB per message and per
 * `SendMessageBatch` (10 messages): a tenth of it keeps any batch of ten within the limit.
 */
export const MAX_SEND_MESSAGE_BYTES = 25 * 1024;

const utf8 = new TextEncoder();
const bytes = (value: unknown) => utf8.encode(JSON.stringify(value)).byteLength;

/**
 * The snapshot's recipients as send messages of at most `perMessage` recipients and
 * `MAX_SEND_MESSAGE_BYTES` each (long addresses, names and many lists make fewer per message).
 */
export function packSendMessages(
  campaignId: string,
  recipients: readonly QueuedRecipient[],
  snapshotAt: string,
  perMessage: number,
): SendMessage[] {
  const messages: SendMessage[] = [];
  const envelope = bytes({ type: 'send', campaignId, subscriberIds: [], recipients: [], snapshotAt });
  let group: QueuedRecipient[] = [];
  let size = envelope;
  const close = () => {
    if (group.length === 0) return;
    messages.push({ type: 'send', campaignId, subscriberIds: group.map((r) => r.subscriberId), recipients: group, snapshotAt });
    group = [];
    size = envelope;
  };
  for (const r of recipients) {
    // The recipient, its comma, and its id again in `subscriberIds` (with quotes and comma).
    const cost = bytes(r) + bytes(r.subscriberId) + 2;
    if (group.length >= perMessage || (group.length > 0 && size + cost > MAX_SEND_MESSAGE_BYTES)) close();
    group.push(r);
    size += cost;
  }
  close();
  return messages;
}

export class InvalidSendMessageError extends Error {
  constructor(problem: string) {
    super(`invalid send message: ${problem}`);
    this.name = 'InvalidSendMessageError';
  }
}

const isString = (v: unknown): v is string => typeof v === 'string' && v.length > 0;
const stringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every(isString);

function queuedRecipient(v: unknown, at: number): QueuedRecipient {
  const r = v as Record<string, unknown> | null;
  if (!r || typeof r !== 'object') throw new InvalidSendMessageError(`recipients[${at}] is not an object`);
  if (!isString(r.subscriberId)) throw new InvalidSendMessageError(`recipients[${at}].subscriberId missing`);
  if (!isString(r.email)) throw new InvalidSendMessageError(`recipients[${at}].email missing`);
  if (r.name !== undefined && typeof r.name !== 'string') throw new InvalidSendMessageError(`recipients[${at}].name is not a string`);
  if (!stringArray(r.listIds)) throw new InvalidSendMessageError(`recipients[${at}].listIds is not a list of ids`);
  return { subscriberId: r.subscriberId, email: r.email, listIds: r.listIds, ...(r.name ? { name: r.name } : {}) };
}

/** Reads a queue body into a send message, or throws `InvalidSendMessageError` saying why. */
export function parseSendMessage(body: string): SendMessage {
  let m: Record<string, unknown>;
  try {
    m = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new InvalidSendMessageError(`not JSON: ${body.slice(0, 80)}`);
  }
  if (!m || typeof m !== 'object') throw new InvalidSendMessageError('not an object');
  switch (m.type) {
    case 'sweep':
      return { type: 'sweep' };
    case 'launch':
    case 'fire':
      if (!isString(m.campaignId)) throw new InvalidSendMessageError(`${m.type}: campaignId missing`);
      return { type: m.type, campaignId: m.campaignId };
    case 'import': {
      if (!isString(m.jobId)) throw new InvalidSendMessageError('import: jobId missing');
      const a = m.actor as Record<string, unknown> | null;
      if (!a || typeof a !== 'object' || !isString(a.id) || typeof a.name !== 'string')
        throw new InvalidSendMessageError('import: actor is not { id, name }');
      return { type: 'import', jobId: m.jobId, actor: { id: a.id, name: a.name } };
    }
    case 'send': {
      if (!isString(m.campaignId)) throw new InvalidSendMessageError('send: campaignId missing');
      if (!stringArray(m.subscriberIds)) throw new InvalidSendMessageError('send: subscriberIds is not a list of ids');
      if (m.recipients === undefined) return { type: 'send', campaignId: m.campaignId, subscriberIds: m.subscriberIds };
      if (!Array.isArray(m.recipients)) throw new InvalidSendMessageError('send: recipients is not a list');
      const ids = m.subscriberIds;
      const recipients = m.recipients.map(queuedRecipient);
      if (recipients.length !== ids.length || recipients.some((r, i) => r.subscriberId !== ids[i]))
        throw new InvalidSendMessageError('send: recipients do not match subscriberIds');
      if (!isString(m.snapshotAt) || Number.isNaN(Date.parse(m.snapshotAt)))
        throw new InvalidSendMessageError('send: recipients without a valid snapshotAt');
      return { type: 'send', campaignId: m.campaignId, subscriberIds: ids, recipients, snapshotAt: m.snapshotAt };
    }
    default:
      throw new InvalidSendMessageError(`unknown type ${JSON.stringify(m.type)?.slice(0, 40)}`);
  }
}

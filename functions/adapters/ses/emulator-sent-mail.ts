import { recipientRefHeader } from '../../domain/campaign';

/**
 * In the emulator's JSON, each mail is written `{"messageId":"…",…,"headers":[{"name":"…","value":"…"},…],…}`
 * (its keys in that order). Inside a JSON string every `"` is escaped, so these patterns can only
 * match the structure, never a mail's content.
 */
const MESSAGE_ID = /"messageId":"((?:[^"\\]|\\.)*)"/y;
const REF_HEADER = new RegExp(`\\{"name":"${recipientRefHeader}","value":"((?:[^"\\\\]|\\\\.)*)"\\}`, 'y');
const TOKEN = new RegExp(`"messageId":"|\\{"name":"${recipientRefHeader}"`, 'g');
/** Longer than any token the scan must see whole across two chunks (ids and references are short). */
const CARRY = 1_024;

/**
 * Local stand-in for the SES Send events: asks the SES emulator's store which mails carry given
 * reference headers. (In AWS, the configuration set's Send events settle the ledger instead; see
 * record-ses-event.ts.)
 *
 * The emulator can only hand out its whole outbox, bodies included (`GET /store`, `?since=`
 * epoch seconds at best): hundreds of megabytes after a large campaign. So it is read once per
 * call (a reconciliation pass over thousands of claims costs one read, not one per claim) and
 * scanned as it streams in, keeping only message ids and references, never the parsed outbox.
 */
export class EmulatorSentMail {
  constructor(private readonly endpoint: string) {}

  async findByRefs(refs: readonly string[], acceptedSince?: string): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    if (refs.length === 0) return found;
    const wanted = new Set(refs);
    const since = acceptedSince === undefined ? Number.NaN : Math.floor(Date.parse(acceptedSince) / 1000) - 1;
    const url = Number.isNaN(since) ? `${this.endpoint}/store` : `${this.endpoint}/store?since=${since}`;
    const r = await fetch(url);
    if (!r.ok || !r.body) throw new Error(`SES emulator ${url} answered ${r.status}`);

    let messageId: string | undefined; // of the mail being read: its headers come after it
    let text = '';
    const scan = (final: boolean) => {
      // Tokens starting in the last CARRY characters wait for the next chunk, so each is seen whole.
      const limit = final ? text.length : Math.max(0, text.length - CARRY);
      let consumed = 0;
      TOKEN.lastIndex = 0;
      for (let m = TOKEN.exec(text); m && m.index < limit; m = TOKEN.exec(text)) {
        const pattern = m[0].startsWith('"messageId"') ? MESSAGE_ID : REF_HEADER;
        pattern.lastIndex = m.index;
        const whole = pattern.exec(text);
        if (!whole) continue; // not the shape above: skipped
        const value = JSON.parse(`"${whole[1]}"`) as string;
        if (pattern === MESSAGE_ID) messageId = value;
        // The first copy is the one SES accepted first (a second one would be the bug this guards against).
        else if (messageId !== undefined && wanted.has(value) && !found.has(value)) found.set(value, messageId);
        TOKEN.lastIndex = consumed = pattern.lastIndex;
      }
      text = text.slice(Math.max(limit, consumed));
    };
    const decoder = new TextDecoder();
    for await (const chunk of r.body as AsyncIterable<Uint8Array>) {
      text += decoder.decode(chunk, { stream: true });
      scan(false);
    }
    text += decoder.decode();
    scan(true);
    return found;
  }
}

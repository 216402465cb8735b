import { recipientRefHeader } from '../../domain/campaign';

interface StoredMail {
  readonly messageId: string;
  readonly headers?: readonly { name: string; value: string }[];
}

/**
 * Local stand-in for the SES Send events: asks the SES emulator's store which mails carry given
 * reference headers. (In AWS, the configuration set's Send events settle the ledger instead; see
 * record-ses-event.ts.)
 *
 * The emulator can only hand out its whole outbox (`GET /store`, optionally `?since=` epoch
 * seconds), bodies included: it is read once per call and indexed by reference, so a
 * reconciliation pass over thousands of claims costs one read, not one per claim.
 */
export class EmulatorSentMail {
  constructor(private readonly endpoint: string) {}

  async findByRefs(refs: readonly string[], acceptedSince?: string): Promise<ReadonlyMap<string, string>> {
    const found = new Map<string, string>();
    if (refs.length === 0) return found;
    const wanted = new Set(refs);
    const since = acceptedSince === undefined ? undefined : Math.floor(Date.parse(acceptedSince) / 1000) - 1;
    const url = since === undefined || Number.isNaN(since) ? `${this.endpoint}/store` : `${this.endpoint}/store?since=${since}`;
    const r = await fetch(url);
    if (!r.ok) throw new Error(`SES emulator ${url} answered ${r.status}`);
    const { emails } = (await r.json()) as { emails: StoredMail[] };
    for (const mail of emails) {
      const ref = mail.headers?.find((h) => h.name === recipientRefHeader)?.value;
      // The first copy is the one SES accepted first (a second one would be the bug this guards against).
      if (ref !== undefined && wanted.has(ref) && !found.has(ref)) found.set(ref, mail.messageId);
    }
    return found;
  }
}

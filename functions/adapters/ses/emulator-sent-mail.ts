import { recipientRefHeader } from '../../domain/campaign';

/**
 * Local stand-in for the SES Send events: asks the SES emulator's store whether it holds a
 * mail with a given reference header. (In AWS, the configuration set's Send events settle the
 * ledger instead; see record-ses-event.ts.)
 */
export class EmulatorSentMail {
  constructor(private readonly endpoint: string) {}

  async findByRef(ref: string): Promise<string | undefined> {
    const r = await fetch(`${this.endpoint}/store`);
    if (!r.ok) throw new Error(`SES emulator /store answered ${r.status}`);
    const { emails } = (await r.json()) as { emails: { messageId: string; headers?: { name: string; value: string }[] }[] };
    return emails.find((e) => e.headers?.some((h) => h.name === recipientRefHeader && h.value === ref))?.messageId;
  }
}

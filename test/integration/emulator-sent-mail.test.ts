import { SESv2Client } from '@aws-sdk/client-sesv2';
import { describe, expect, inject, it } from 'vitest';
import { EmulatorSentMail } from '../../functions/adapters/ses/emulator-sent-mail';
import { SesMailer } from '../../functions/adapters/ses/ses-mailer';
import { recipientRefHeader } from '../../functions/domain/campaign';
import { outboxFor, uniqueDomain } from '../support/emulator-context';

describe('EmulatorSentMail (SES emulator)', () => {
  it('finds the mails by reference header in one streamed read, whatever their bodies say', async () => {
    // prepare: mails whose bodies imitate the JSON the lookup scans for, one sent twice
    const client = new SESv2Client({
      region: 'eu-west-3',
      endpoint: inject('sesEndpoint'),
      credentials: { accessKeyId: 'l', secretAccessKey: 'l' },
    });
    const mailer = new SesMailer(client);
    const domain = uniqueDomain();
    const tag = domain.split('.')[0];
    const send = (i: number) =>
      mailer.send({
        from: { name: 'Presse', address: 'presse@example.org' },
        to: `r${i}@${domain}`,
        subject: `Communiqué ${i}`,
        html: `<p>"messageId":"faux" {"name":"${recipientRefHeader}","value":"${tag}/s${i + 1}"} ${'é'.repeat(i * 300)}</p>`,
        text: 'texte',
        headers: [{ name: recipientRefHeader, value: `${tag}/s${i}` }],
        tags: {},
      });
    for (let i = 0; i < 40; i++) await send(i);
    await send(7); // a second copy: the first one is the answer
    const outbox = await outboxFor(domain);

    // act
    const found = await new EmulatorSentMail(inject('sesEndpoint')).findByRefs(
      Array.from({ length: 45 }, (_, i) => `${tag}/s${i}`),
      new Date(Date.now() - 60_000).toISOString(),
    );

    // assess
    expect(found.size).toBe(40);
    for (let i = 0; i < 40; i++)
      expect(found.get(`${tag}/s${i}`)).toBe(outbox.find((m) => m.destination.to[0] === `r${i}@${domain}`)?.messageId);
    client.destroy();
  });
});

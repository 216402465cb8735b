import { simpleParser } from 'mailparser';
import ical, { type VEvent } from 'node-ical';
import { describe, expect, it } from 'vitest';
import { compileRelease } from '../../../functions/render/compile-release';
import { personalise } from '../../../functions/render/compiled-mail';
import { type MimeMail, toMime } from '../../../functions/render/mime';
import { RenderError } from '../../../functions/render/render-error';
import { compileInputOf, seed001 } from '../../fixtures/seeds';

const unsubscribeUrl = 'https://communique.example.org/unsubscribe/tok123';

async function seed001Message(): Promise<MimeMail> {
  const input = compileInputOf(seed001);
  const compiled = await compileRelease(input);
  const mail = personalise(compiled, {
    unsubscribeUrl,
    preferencesUrl: 'https://communique.example.org/preferences/tok123',
    email: 'claire.martin@example.org',
  });
  return {
    from: { name: input.brand.senderName, address: input.brand.senderEmail },
    to: 'claire.martin@example.org',
    replyTo: input.brand.replyTo,
    subject: mail.subject,
    html: mail.html,
    text: mail.text,
    headers: [
      { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
      { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
    ],
    attachments: compiled.attachments,
  };
}

describe('toMime', () => {
  it('builds a message that an independent parser reads back field by field', async () => {
    // prepare
    const message = await seed001Message();
    // act
    const parsed = await simpleParser(await toMime(message));
    // assess
    expect(parsed.subject).toBe(message.subject);
    expect(parsed.from?.value[0]).toMatchObject({ name: 'Département de Loir-et-Cher', address: 'communiques@example.org' });
    expect(parsed.replyTo?.value[0]?.address).toBe('presse-cd41@example.org');
    expect(parsed.text?.trim()).toBe(message.text.trim());
    expect(parsed.html).toContain('<html lang="fr"');
    expect(parsed.html).toContain('Maison des Sports de Touraine');
    const lines = Object.fromEntries(parsed.headerLines.map((h) => [h.key, h.line]));
    expect(lines['list-unsubscribe']).toBe(`List-Unsubscribe: <${unsubscribeUrl}>`);
    expect(lines['list-unsubscribe-post']).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');

    expect(parsed.attachments).toHaveLength(1);
    const ics = parsed.attachments[0]!;
    expect(ics.filename).toBe('festival-du-travail-social-2024-04-02.ics');
    expect(ics.contentType).toBe('text/calendar');
    const event = Object.values(ical.sync.parseICS(ics.content.toString('utf8'))).find((c): c is VEvent => c?.type === 'VEVENT');
    expect(event?.summary).toBe('Festival du travail social (3e édition)');
    expect(event?.location).toBe('Maison des Sports de Touraine, rue de l’Aviation, Parçay-Meslay (37)');
    expect(event?.start.toISOString()).toBe('2024-04-02T07:00:00.000Z');
  });

  it.each([
    ['subject', (m: MimeMail): MimeMail => ({ ...m, subject: 'Titre\r\nBcc: victim@example.org' })],
    ['from.name', (m: MimeMail): MimeMail => ({ ...m, from: { ...m.from, name: 'Presse\nBcc: victim@example.org' } })],
  ])('refuses a line break in %s (header injection)', async (field, edit) => {
    const message = edit(await seed001Message());
    await expect(toMime(message)).rejects.toThrow(RenderError);
    await expect(toMime(message)).rejects.toMatchObject({ field });
  });
});

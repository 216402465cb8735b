import { describe, expect, it } from 'vitest';
import { releaseContentSchema } from '../../../functions/domain/release';
import { compileRelease, RenderError } from '../../../functions/render/compile-release';
import { type CompiledMail, personalise } from '../../../functions/render/compiled-mail';
import { compileInputOf, seed000, seed001 } from '../../fixtures/seeds';

const NNBSP = '\u202F';
const vars = {
  unsubscribeUrl: 'https://communique.example.org/u/tok?a=1&b=2',
  preferencesUrl: 'https://communique.example.org/p/tok',
  email: 'claire.martin@example.org',
  name: 'Claire Martin',
};
const placeholders = (segments: CompiledMail['html']) => segments.filter((s) => typeof s !== 'string').map((s) => (s as { v: string }).v);

describe('compileRelease', () => {
  it('compiles seed 000 into a French mail with every mandatory part', async () => {
    // prepare
    const input = compileInputOf(seed000);
    // act
    const mail = await compileRelease(input);
    const { subject, html, text } = personalise(mail, vars);
    // assess
    expect(mail.formatVersion).toBe(1);
    expect(subject).toBe(
      `Travail social${NNBSP}: les conseils départementaux de Loir-et-Cher et d’Indre-et-Loire associent leurs réflexions pour préparer l’avenir`,
    );
    expect(subject).not.toMatch(/[\r\n]/);
    expect(html).toContain('<html lang="fr"');
    expect(html).toMatch(/<div style="display:none;[^"]*">Depuis septembre 2019/); // preheader
    expect(html).toContain('href="https://communique.example.org/releases/demo"');
    expect(html).toContain('href="https://communique.example.org/u/tok?a=1&amp;b=2"');
    expect(html).toContain('href="https://communique.example.org/p/tok"');
    expect(html).toContain('Ce message a été envoyé à claire.martin@example.org');
    expect(html).toContain('Blois, le 6 mars 2023');
    expect(html).toContain('alt="Loir-et-Cher, le Département"');
    expect(html).toContain('background-color:#005a87');
    expect(html).toContain('Flavien Cuperlier');
    expect(html).toContain('href="mailto:flavien.cuperlier@departement41.fr"');
    expect(html).toContain(`Le CLTS 37/41${NNBSP}: un espace de dialogue`);
    expect(html).toContain('Florence Doucet');
    expect(html).toContain(`«${NNBSP}Tout savoir sur la pair-aidance${NNBSP}»`);
    expect(html).not.toMatch(/[\uE000-\uE004]/);
    expect(text).toContain('Blois, le 6 mars 2023');
    expect(text).toContain('Se désinscrire');
    expect(text).toContain('https://communique.example.org/u/tok?a=1&b=2');
    expect(text).toContain('• Développer et capitaliser');
    expect(text).not.toMatch(/<[a-z]/i);
    expect(mail.attachments).toBeUndefined();
  });

  it('keeps per-recipient values as placeholders in both parts', async () => {
    const mail = await compileRelease(compileInputOf(seed000));
    expect(placeholders(mail.html)).toEqual(expect.arrayContaining(['unsubscribeUrl', 'preferencesUrl', 'email']));
    expect(placeholders(mail.text)).toEqual(expect.arrayContaining(['unsubscribeUrl', 'preferencesUrl', 'email']));
    expect(JSON.stringify(mail)).not.toMatch(/cq[0-9a-f]{24}:/); // no sentinel left in literal text
  });

  it('compiles seed 001 as an invitation with its event and an .ics attachment', async () => {
    const mail = await compileRelease({ ...compileInputOf(seed001), calendarUrl: 'https://communique.example.org/releases/demo.ics' });
    const { subject, html, text } = personalise(mail, vars);
    expect(subject).toBe(`3e édition du «${NNBSP}Festival du travail social${NNBSP}»`);
    for (const part of [html, text]) {
      expect(part).toContain('mardi 2 avril 2024');
      expect(part).toContain('9\u00A0h\u00A000');
      expect(part).toContain('Maison des Sports de Touraine');
      expect(part).toContain('rue de l’Aviation, Parçay-Meslay (37)');
      expect(part).toContain('CLTS37-41@departement-touraine.fr');
      expect(part).toContain('CLTS41-37@departement41.fr');
      expect(part).toContain('Laurent Sochard');
      expect(part).toContain('https://communique.example.org/releases/demo.ics');
    }
    expect(html).toContain('Invitation');
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments?.[0]).toMatchObject({
      filename: 'festival-du-travail-social-2024-04-02.ics',
      contentType: expect.stringContaining('text/calendar'),
    });
    expect(mail.attachments?.[0]?.content).toContain('DTSTART:20240402T070000Z');
  });

  it('uses a new nonce per compile, so content cannot forge a placeholder', async () => {
    const forged = releaseContentSchema.parse({ ...seed000, body: 'Cliquez ici : cq0123456789abcdef01234567:unsubscribeUrl: et voilà.' });
    const a = await compileRelease(compileInputOf(forged));
    const b = await compileRelease(compileInputOf(forged));
    expect(personalise(a, vars).html).toBe(personalise(b, vars).html);
    expect(personalise(a, vars).html).toContain('cq0123456789abcdef01234567:unsubscribeUrl:');
    expect(placeholders(a.html).filter((p) => p === 'unsubscribeUrl')).toHaveLength(1);
  });

  it('is deterministic with a fixed nonce and clock', async () => {
    const a = await compileRelease(compileInputOf(seed001), { nonce: 'cqtest' });
    const b = await compileRelease(compileInputOf(seed001), { nonce: 'cqtest' });
    expect(a).toEqual(b);
  });

  it('refuses invalid content with a RenderError naming the field', async () => {
    const bad = { ...seed000, title: 'Titre\r\nBcc: victim@example.org' };
    const error = await compileRelease(compileInputOf(bad)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RenderError);
    expect(error).toMatchObject({ name: 'RenderError', field: 'title', template: 'mail/press-release.mjml.hbs' });
  });
});

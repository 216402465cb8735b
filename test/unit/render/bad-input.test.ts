import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type ReleaseContent, releaseContentSchema } from '../../../functions/domain/release';
import { compileRelease, RenderError } from '../../../functions/render/compile-release';
import { personalise } from '../../../functions/render/compiled-mail';
import { compileInputOf, seed000 } from '../../fixtures/seeds';

const templatesDir = fileURLToPath(new URL('../../../templates/', import.meta.url));
const tempDirs: string[] = [];
afterAll(() => tempDirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A copy of the real templates with one file edited. */
function templatesWith(file: string, edit: (source: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'communique-templates-'));
  tempDirs.push(dir);
  cpSync(templatesDir, dir, { recursive: true });
  const path = join(dir, file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`edit of ${file} changed nothing`);
  writeFileSync(path, after);
  return dir;
}

const renderError = async (content: ReleaseContent, templates?: string): Promise<RenderError> => {
  const error = await compileRelease(compileInputOf(content), templates ? { templatesDir: templates } : {}).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RenderError);
  return error as RenderError;
};
const withContent = (patch: Record<string, unknown>) => releaseContentSchema.parse({ ...seed000, ...patch });
const mailOf = async (content: ReleaseContent) =>
  personalise(await compileRelease(compileInputOf(content)), {
    unsubscribeUrl: 'https://x.example.org/u',
    preferencesUrl: 'https://x.example.org/p',
    email: 'a@example.org',
  });

describe('template errors', () => {
  it('names template, line and field when a field makes the MJML invalid', async () => {
    const dir = templatesWith('mail/partials/heading.mjml.hbs', (s) =>
      s.replace('<mj-text padding="0 32px 12px 32px"><h1', '<mj-text color="{{title}}" padding="0 32px 12px 32px"><h1'),
    );
    const error = await renderError(seed000, dir);
    expect(error).toMatchObject({ template: 'mail/partials/heading.mjml.hbs', line: 10, field: 'title' });
    expect(error.message).toMatch(
      /^MJML invalide \(gabarit « mail\/partials\/heading\.mjml\.hbs », ligne 10, champ « title »\) : <mj-text> Attribute color/,
    );
  });

  it('names template and line of an invalid MJML element', async () => {
    const dir = templatesWith('mail/partials/footer.mjml.hbs', (s) => s.replace('<mj-column>', '<mj-column><mj-bouton>x</mj-bouton>'));
    const error = await renderError(seed000, dir);
    expect(error).toMatchObject({ template: 'mail/partials/footer.mjml.hbs', line: 2 });
    expect(error.message).toContain('mj-bouton');
  });

  it('makes an unknown Handlebars variable an error, not an empty string', async () => {
    const dir = templatesWith('mail/partials/heading.mjml.hbs', (s) => s.replace('{{title}}', '{{titre}}'));
    const error = await renderError(seed000, dir);
    expect(error).toMatchObject({ template: 'mail/partials/heading.mjml.hbs', line: 10, field: 'titre' });
    expect(error.message).toContain('variable inconnue « titre »');
  });

  it('also in the text templates', async () => {
    const dir = templatesWith('text/partials/press-contacts.txt.hbs', (s) => s.replace('{{name}}', '{{nom}}'));
    const error = await renderError(seed000, dir);
    expect(error).toMatchObject({ template: 'text/partials/press-contacts.txt.hbs', field: 'nom' });
  });

  it('reports a Handlebars syntax error with template and line', async () => {
    const dir = templatesWith('mail/partials/body.mjml.hbs', (s) => s.replace('{{/each}}', ''));
    const error = await renderError(seed000, dir);
    expect(error).toMatchObject({ template: 'mail/partials/body.mjml.hbs', line: 12 });
  });
});

describe('user content', () => {
  it('escapes HTML and {{ in user content instead of running them', async () => {
    const content = withContent({
      title: '<img src=x onerror=alert(1)> {{brand.name}}',
      body: 'Texte <script>alert(1)</script> et {{#each x}}{{/each}} et {{{html}}}\n\n<div onclick="x()">bloc</div>',
      quotes: [{ text: '{{recipient.email}} <b>cité</b>', author: 'Auteur {{x}}' }],
    });
    const { subject, html, text } = await mailOf(content);
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<div onclick');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('{{#each x}}{{/each}} et {{{html}}}');
    expect(html).toContain('{{recipient.email}} &lt;b&gt;cité&lt;/b&gt;');
    expect(subject).toBe('<img src=x onerror=alert(1)> {{brand.name}}');
    expect(text).toContain('{{recipient.email}} <b>cité</b>');
  });

  it.each(['javascript:alert(1)', 'JavaScript:alert(1)', ' vbscript:x', 'data:text/html;base64,PHNjcmlwdD4=', 'javascript&#58;alert(1)'])(
    'refuses a %s link in the Markdown body, naming the field',
    async (href) => {
      const error = await renderError(withContent({ body: `Voir [ici](<${href}>).` }));
      expect(error.field).toBe('body');
      expect(error.message).toContain('Lien refusé');
    },
  );

  it('refuses a javascript: link in an "À propos" block, naming it', async () => {
    const error = await renderError(withContent({ about: [{ title: 'À propos', body: '[x](javascript:alert(1))' }] }));
    expect(error.field).toBe('about.0.body');
  });

  it('keeps http(s) and mailto links, and drops relative ones to their text', async () => {
    const { html, text } = await mailOf(
      withContent({
        body: 'Voir [le site](https://example.org/a?b=1&c=2), [écrire](mailto:presse@example.org), [la Maison de Bégon](#), [page](/a) et [piège](java%09script:alert(1)).',
      }),
    );
    expect(html).toContain('<a href="https://example.org/a?b=1&amp;c=2"');
    expect(html).toContain('<a href="mailto:presse@example.org"');
    expect(html).toContain('la Maison de Bégon, page et piège.');
    expect(html).not.toMatch(/href="(#|\/a|java)/);
    expect(text).toContain('le site (https://example.org/a?b=1&c=2), écrire (presse@example.org), la Maison de Bégon, page et piège.');
  });

  it('refuses an image without alt text in the body, naming the field', async () => {
    const error = await renderError(withContent({ body: 'Photo : ![](https://example.org/photo.jpg)' }));
    expect(error).toMatchObject({ field: 'body' });
    expect(error.message).toContain('texte alternatif');
  });

  it('refuses an image without alt text in the images, naming the field', async () => {
    const content = { ...seed000, images: [{ url: 'https://example.org/photo.jpg', alt: ' ' }] } as ReleaseContent;
    const error = await renderError(content);
    expect(error).toMatchObject({ field: 'images.0.alt' });
  });

  it('refuses a javascript: URL in a link field (schema checked again at render)', async () => {
    const content = { ...seed000, links: [{ label: 'x', url: 'javascript:alert(1)' }] } as ReleaseContent;
    expect(await renderError(content)).toMatchObject({ field: 'links.0.url' });
  });

  it('refuses an invalid brand colour, naming the brand field', async () => {
    const input = compileInputOf(seed000);
    const error = await compileRelease({
      ...input,
      brand: { ...input.brand, colours: { ...input.brand.colours, primary: 'red;}</style>' } },
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'RenderError', field: 'brand.colours.primary' });
  });

  it('drops private-use marker characters from user content', async () => {
    const { html } = await mailOf(withContent({ body: 'a\uE002title\uE003b\uE004c\uE000x#1\uE001d' }));
    expect(html).toContain('atitlebcx#1d');
  });
});

import { describe, expect, it } from 'vitest';
import { compileRelease, renderWebPage } from '../../../functions/render/compile-release';
import { personalise } from '../../../functions/render/compiled-mail';
import { renderIcs } from '../../../functions/render/ics';
import { compileInputOf, seed000, seed001 } from '../../fixtures/seeds';

/*
 * Golden files: the exact mail, text part, web page and calendar entry of both seeds, with a
 * fixed clock and nonce. A change to a template shows up as a reviewable diff in
 * __snapshots__/ (update with `npx vitest run test/unit/render -u`).
 */
const recipient = {
  unsubscribeUrl: 'https://communique.example.org/unsubscribe/TOKEN',
  preferencesUrl: 'https://communique.example.org/preferences/TOKEN',
  email: 'claire.martin@example.org',
  name: 'Claire Martin',
};

describe.each([
  ['seed-000', seed000],
  ['seed-001', seed001],
])('golden %s', (name, content) => {
  it('mail: subject, HTML and text', async () => {
    const input = {
      ...compileInputOf(content),
      ...(content.event ? { calendarUrl: 'https://communique.example.org/releases/demo.ics' } : {}),
    };
    const mail = personalise(await compileRelease(input, { nonce: 'cqgolden' }), recipient);
    await expect(mail.subject).toMatchFileSnapshot(`__snapshots__/${name}.subject.txt`);
    await expect(mail.html).toMatchFileSnapshot(`__snapshots__/${name}.mail.html`);
    await expect(mail.text).toMatchFileSnapshot(`__snapshots__/${name}.mail.txt`);
  });

  it('web page', async () => {
    const { webVersionUrl: _unused, ...input } = compileInputOf(content);
    await expect(await renderWebPage(input)).toMatchFileSnapshot(`__snapshots__/${name}.web.html`);
  });
});

describe('golden seed-001', () => {
  it('calendar entry', async () => {
    await expect(renderIcs(seed001, { now: new Date('2024-03-20T09:30:00Z') })).toMatchFileSnapshot('__snapshots__/seed-001.ics');
  });
});

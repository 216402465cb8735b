import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type ReleaseContent, releaseContentSchema } from '../../../functions/domain/release';
import {
  applyBlockAction,
  contentToForm,
  emptyReleaseForm,
  formToContentInput,
  parseBlockAction,
  parseReleaseForm,
  type ReleaseFormState,
} from '../../../functions/http/pages/releases/release-form';

const seed = (n: string) => releaseContentSchema.parse(JSON.parse(readFileSync(`test/fixtures/releases/seed-${n}.json`, 'utf8')));

/** The form a browser posts for a state: every field under its name, rows by index. */
function post(state: ReleaseFormState): Record<string, string | string[]> {
  const body: Record<string, string | string[]> = { ...state.fields, coBrandIds: [...state.coBrandIds] };
  for (const [block, rows] of Object.entries(state.blocks))
    rows.forEach((row, i) => Object.entries(row).forEach(([k, v]) => (body[`${block}.${i}.${k}`] = v)));
  return body;
}

describe('the editor form ↔ release content mapping', () => {
  it.each(['000', '001'])('gives back seed %s unchanged after a round trip through the form', (n) => {
    const content = seed(n);

    const { input, errors } = formToContentInput(parseReleaseForm(post(contentToForm(content))));

    expect(errors).toEqual([]);
    expect(releaseContentSchema.parse(input)).toEqual(content);
  });

  it('reads rows by index, closes gaps, ignores unknown names, and leaves empty optional fields absent', () => {
    const form = parseReleaseForm({
      kind: 'press-release',
      brandId: 'cd41',
      title: 'Titre',
      subtitle: '   ',
      'quotes.5.text': 'Deuxième',
      'quotes.5.author': 'B',
      'quotes.1.text': 'Première',
      'quotes.1.author': 'A',
      'quotes.1.afterParagraph': '2',
      'quotes.1.hack': 'x',
      'links.0.label': 'Site',
      'links.0.url': 'https://example.org',
      'evil.0.x': 'y',
    });

    const { input } = formToContentInput(form);

    expect(form.blocks.quotes.map((q) => q.text)).toEqual(['Première', 'Deuxième']);
    expect(input.quotes).toEqual([
      { text: 'Première', author: 'A', afterParagraph: 2 },
      { text: 'Deuxième', author: 'B' },
    ]);
    expect(input).not.toHaveProperty('subtitle');
    expect(input).not.toHaveProperty('event');
    expect(input.links).toEqual([{ label: 'Site', url: 'https://example.org' }]);
  });

  it('adds, moves and removes rows without saving, and says which row to focus', () => {
    let state = emptyReleaseForm('event-announcement', 'cd41');
    const act = (v: string) => {
      const action = parseBlockAction(v);
      if (!action) throw new Error(`no action ${v}`);
      const r = applyBlockAction(state, action);
      state = r.state;
      return r.focus;
    };

    expect(act('add:event.programme')).toBe(0);
    expect(act('add:event.programme')).toBe(1);
    state = {
      ...state,
      blocks: {
        ...state.blocks,
        'event.programme': [
          { time: '9 h', title: 'A', speaker: '' },
          { time: '10 h', title: 'B', speaker: '' },
        ],
      },
    };
    expect(act('up:event.programme:1')).toBe(0);
    expect(state.blocks['event.programme'].map((r) => r.title)).toEqual(['B', 'A']);
    expect(act('down:event.programme:1')).toBe(1);
    expect(act('remove:event.programme:0')).toBe(0);
    expect(state.blocks['event.programme'].map((r) => r.title)).toEqual(['A']);
    expect(act('remove:event.programme:7')).toBeUndefined();
    expect(parseBlockAction('remove:quotes')).toBeUndefined();
    expect(parseBlockAction('add:__proto__')).toBeUndefined();
  });

  it('reads the embargo as Paris time (summer and winter) and gives it back the same', () => {
    const summer = formToContentInput({
      ...emptyReleaseForm('press-release', 'cd41'),
      fields: { ...emptyReleaseForm('press-release', 'cd41').fields, title: 'T', embargoLocal: '2024-04-02T09:00' },
    });
    const winter = formToContentInput({
      ...emptyReleaseForm('press-release', 'cd41'),
      fields: { ...emptyReleaseForm('press-release', 'cd41').fields, title: 'T', embargoLocal: '2024-12-02T09:00' },
    });

    expect(summer.input.embargoUntil).toBe('2024-04-02T07:00:00.000Z');
    expect(winter.input.embargoUntil).toBe('2024-12-02T08:00:00.000Z');
    expect(contentToForm(releaseContentSchema.parse(summer.input)).fields.embargoLocal).toBe('2024-04-02T09:00');
  });

  it('asks in words at a daylight-saving change: an hour skipped is refused, an hour repeated needs a choice, which is kept', () => {
    const base = emptyReleaseForm('press-release', 'cd41');
    const at = (embargoLocal: string, embargoAmbiguity = '') =>
      formToContentInput({ ...base, fields: { ...base.fields, title: 'T', embargoLocal, embargoAmbiguity } });

    const gap = at('2024-03-31T02:30');
    const twice = at('2024-10-27T02:30');
    const later = at('2024-10-27T02:30', 'later');

    expect(gap.errors[0]?.field).toBe('embargoUntil');
    expect(gap.errors[0]?.message).toContain('n’existe pas');
    expect(twice.errors[0]?.message).toContain('existe deux fois');
    expect(twice.input.embargoUntil).toBeUndefined();
    expect(later.errors).toEqual([]);
    expect(later.input.embargoUntil).toBe('2024-10-27T01:30:00.000Z');
    expect(contentToForm(releaseContentSchema.parse(later.input) as ReleaseContent).fields.embargoAmbiguity).toBe('later');
  });

  it('keeps markup typed in a field as text, exactly (escaping is the page’s job)', () => {
    const form = parseReleaseForm({
      kind: 'press-release',
      brandId: 'cd41',
      title: '<script>alert(1)</script>',
      body: 'a\r\n\r\n<b>b</b>',
    });

    const { input } = formToContentInput(form);

    expect(input.title).toBe('<script>alert(1)</script>');
    expect(input.body).toBe('a\n\n<b>b</b>');
  });
});

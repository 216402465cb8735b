import { describe, expect, it } from 'vitest';
import { describeFilter, isEmptyFilter, matches, segmentFilterSchema, segmentInputSchema } from '../../../functions/domain/segment';

const journalist = {
  mediumType: 'radio' as const,
  department: '41',
  tags: ['Social', 'Culture'],
  outlet: 'La Nouvelle République',
  language: 'fr',
};

describe('segment filter: matches', () => {
  it('matches everyone when no criterion is given', () => {
    expect(matches(journalist, {})).toBe(true);
    expect(matches({ tags: [] }, {})).toBe(true);
  });

  it('keeps a contact whose medium is one of those given, and leaves out one without a medium', () => {
    expect(matches(journalist, { mediumTypes: ['print', 'radio'] })).toBe(true);
    expect(matches(journalist, { mediumTypes: ['tv'] })).toBe(false);
    expect(matches({ ...journalist, mediumType: undefined }, { mediumTypes: ['radio'] })).toBe(false);
  });

  it('compares départements exactly (41 is not 4), case ignored (2A and 2a)', () => {
    expect(matches(journalist, { departments: ['37', '41'] })).toBe(true);
    expect(matches(journalist, { departments: ['4'] })).toBe(false);
    expect(matches({ ...journalist, department: '2A' }, { departments: ['2a'] })).toBe(true);
    expect(matches({ ...journalist, department: undefined }, { departments: ['41'] })).toBe(false);
  });

  it('tags in mode any need one of them, in mode all need every one, case and accents ignored', () => {
    expect(matches(journalist, { tags: ['social', 'sport'] })).toBe(true);
    expect(matches(journalist, { tags: ['social', 'sport'], tagsMode: 'any' })).toBe(true);
    expect(matches(journalist, { tags: ['social', 'sport'], tagsMode: 'all' })).toBe(false);
    expect(matches(journalist, { tags: ['SOCIAL', 'culturé'], tagsMode: 'all' })).toBe(true);
    expect(matches({ ...journalist, tags: [] }, { tags: ['social'] })).toBe(false);
  });

  it('outletContains ignores accents and case, and needs an outlet', () => {
    expect(matches(journalist, { outletContains: 'nouvelle republique' })).toBe(true);
    expect(matches(journalist, { outletContains: 'RÉPUBLIQUE' })).toBe(true);
    expect(matches(journalist, { outletContains: 'Ouest-France' })).toBe(false);
    expect(matches({ ...journalist, outlet: undefined }, { outletContains: 'nouvelle' })).toBe(false);
  });

  it('language: fr takes fr-FR, not en', () => {
    expect(matches(journalist, { language: 'FR' })).toBe(true);
    expect(matches({ ...journalist, language: 'fr-FR' }, { language: 'fr' })).toBe(true);
    expect(matches({ ...journalist, language: 'en' }, { language: 'fr' })).toBe(false);
    expect(matches({ ...journalist, language: 'fr' }, { language: 'fr-FR' })).toBe(false);
  });

  it('every criterion given must hold', () => {
    const filter = {
      mediumTypes: ['radio' as const, 'print' as const],
      departments: ['41'],
      tags: ['social'],
      outletContains: 'république',
    };
    expect(matches(journalist, filter)).toBe(true);
    expect(matches({ ...journalist, department: '37' }, filter)).toBe(false);
  });
});

describe('segment filter: schema', () => {
  it('refuses an unknown medium with a French message naming the field', () => {
    const r = segmentFilterSchema.safeParse({ mediumTypes: ['radio', 'journal'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['mediumTypes', 1]);
    expect(r.error?.issues[0]?.message).toMatch(/type de média inconnu/);
  });

  it('refuses an unknown criterion instead of ignoring it (a typo would send to everyone)', () => {
    const r = segmentFilterSchema.safeParse({ medium: ['radio'] });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/critère inconnu : medium/);
  });

  it('refuses a segment without any criterion, and one without a name', () => {
    const empty = segmentInputSchema.safeParse({ name: 'Tous', filter: { tags: [], outletContains: '  ' } });
    expect(empty.success).toBe(false);
    expect(empty.error?.issues[0]?.path).toEqual(['filter']);
    expect(empty.error?.issues[0]?.message).toMatch(/au moins un critère/);
    expect(segmentInputSchema.safeParse({ filter: { tags: ['social'] } }).success).toBe(false);
    expect(isEmptyFilter({ tagsMode: 'all' })).toBe(true);
  });

  it('describes a filter in French', () => {
    expect(describeFilter({ mediumTypes: ['radio', 'print'], departments: ['41'], tags: ['social'], tagsMode: 'all' })).toBe(
      'média : radio ou presse écrite ; département : 41 ; toutes les étiquettes : social',
    );
    expect(describeFilter({})).toBe('tous les contacts');
  });
});

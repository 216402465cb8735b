import { describe, expect, it } from 'vitest';
import { brandContrastProblems, contrastRatio, relativeLuminance } from '../../../functions/domain/colour-contrast';

describe('colour contrast (WCAG 2.1)', () => {
  it('gives 21:1 for black on white and 1:1 for a colour on itself', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#00557f', '#00557f')).toBe(1);
    expect(relativeLuminance('#FFFFFF')).toBe(1);
  });

  it('matches known values: #767676 on white is just AA (4.54:1), #777777 just not (4.48:1)', () => {
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('accepts the department’s blue with dark text', () => {
    expect(brandContrastProblems({ primary: '#00557f', text: '#1a1a1a' })).toEqual([]);
  });

  it('refuses white on a light primary and light text on white, naming each field in French', () => {
    const problems = brandContrastProblems({ primary: '#ffcc00', text: '#999999' });
    expect(problems.map((p) => p.field)).toEqual(['colours.primary', 'colours.text']);
    expect(problems[0]?.message).toMatch(/texte blanc sur la couleur principale #ffcc00 atteint 1,[0-9]+:1, il faut au moins 4,5:1/);
    expect(problems[1]?.message).toMatch(/texte #999999 sur fond blanc/);
  });

  it('refuses #777777 as text colour (4.48:1 is below 4.5:1)', () => {
    expect(brandContrastProblems({ primary: '#00557f', text: '#777777' })).toHaveLength(1);
  });
});

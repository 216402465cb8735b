import { describe, expect, it } from 'vitest';
import { frenchTypography, NBSP, NNBSP } from '../../../functions/domain/typography';

const show = (s: string) => s.replaceAll(NNBSP, '⍽').replaceAll(NBSP, '°');

describe('frenchTypography', () => {
  it.each([
    ['Le CLTS 37/41 : un espace', 'Le CLTS 37/41⍽: un espace'],
    ['suivez-nous sur :', 'suivez-nous sur⍽:'],
    ['Vraiment ? Oui ! Non ; peut-être', 'Vraiment⍽? Oui⍽! Non⍽; peut-être'],
    ['Vraiment? Oui! Non; peut-être', 'Vraiment⍽? Oui⍽! Non⍽; peut-être'],
    ['Quoi ?!', 'Quoi⍽?!'],
    ['« travail social et pair aide »', '«⍽travail social et pair aide⍽»'],
    ['«pair-aidance»', '«⍽pair-aidance⍽»'],
    ['10 000 euros et 1 250 000 habitants', '10⍽000 euros et 1⍽250⍽000 habitants'],
    ['à partir de 13 h 00', 'à partir de 13°h°00'],
    ['de 9h30 à 17 h', 'de 9°h°30 à 17°h'],
    ['50 % des 12 €', '50⍽% des 12°€'],
    ["l'avenir d'aujourd'hui", 'l’avenir d’aujourd’hui'],
  ])('%s', (input, expected) => {
    expect(show(frenchTypography(input))).toBe(expected);
  });

  it.each([
    '240 professionnels du travail social',
    'en 2019, 2023 et 2024',
    '02 54 58 54 60',
    'CD 37 et CD 41',
    'à 10:30 précises',
    'Note: sans espace',
  ])('leaves "%s" as written', (input) => {
    expect(frenchTypography(input)).toBe(input);
  });

  it.each([
    'https://example.org/a?b=1&c=2#x:y',
    'mailto:flavien.cuperlier@departement41.fr?subject=Festival',
    'CLTS37-41@departement-touraine.fr',
    'www.departement41.fr/page?x=1',
    '`a ; b : c`',
  ])('never touches a URL, an e-mail address or code: %s', (span) => {
    const out = frenchTypography(`Voir ${span} !`);
    expect(out).toContain(span);
    expect(out.endsWith(`${NNBSP}!`)).toBe(true);
  });

  it('is idempotent', () => {
    const samples = [
      'Le CLTS 37/41 : un espace ; « pair aide » ! 10 000 à 13 h 00, 50 % ?',
      "l'avenir : https://example.org/?a=1 ; a.b@example.org : «x»",
      `déjà${NNBSP}: prêt${NNBSP}? «${NNBSP}oui${NNBSP}» 13${NBSP}h${NBSP}00`,
      'Quoi ?! « » ;; :: 1 000 000',
    ];
    for (const s of samples) {
      const once = frenchTypography(s);
      expect(frenchTypography(once)).toBe(once);
    }
  });

  it('keeps line breaks and empty strings', () => {
    expect(frenchTypography('')).toBe('');
    expect(frenchTypography('a\n\nb')).toBe('a\n\nb');
  });
});

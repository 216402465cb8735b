/**
 * WCAG 2.1 contrast (success criterion 1.4.3): text needs 4.5:1 against its background at
 * level AA. Pure functions of `#RRGGBB` colours.
 */

export const AA_TEXT_CONTRAST = 4.5;

const channel = (value: number) => {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** Relative luminance of a `#RRGGBB` colour (0 = black, 1 = white). */
export function relativeLuminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #RRGGBB colour: ${hex}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((x) => channel(Number.parseInt(x as string, 16)));
  return 0.2126 * (r as number) + 0.7152 * (g as number) + 0.0722 * (b as number);
}

/** The contrast ratio of two colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [relativeLuminance(a), relativeLuminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export interface ContrastProblem {
  /** The colour to change, as the brand form names it. */
  readonly field: 'colours.primary' | 'colours.text';
  readonly ratio: number;
  readonly message: string;
}

const ratioText = (r: number) => r.toLocaleString('fr-FR', { maximumFractionDigits: 2 });

/**
 * What a brand's colours must allow: its text colour on white pages, and white text on its
 * primary colour (buttons, header). Each pair below 4.5:1 is a problem, with a French message.
 */
export function brandContrastProblems(colours: { primary: string; text: string }): ContrastProblem[] {
  const problems: ContrastProblem[] = [];
  const onPrimary = contrastRatio('#ffffff', colours.primary);
  if (onPrimary < AA_TEXT_CONTRAST)
    problems.push({
      field: 'colours.primary',
      ratio: onPrimary,
      message: `Contraste insuffisant : le texte blanc sur la couleur principale ${colours.primary} atteint ${ratioText(onPrimary)}:1, il faut au moins 4,5:1 (WCAG AA). Choisissez une couleur plus foncée.`,
    });
  const onWhite = contrastRatio(colours.text, '#ffffff');
  if (onWhite < AA_TEXT_CONTRAST)
    problems.push({
      field: 'colours.text',
      ratio: onWhite,
      message: `Contraste insuffisant : le texte ${colours.text} sur fond blanc atteint ${ratioText(onWhite)}:1, il faut au moins 4,5:1 (WCAG AA). Choisissez une couleur plus foncée.`,
    });
  return problems;
}

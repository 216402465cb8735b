/**
 * French typography for text written by people (not for URLs, e-mail addresses or code).
 * Pure and idempotent: applying it twice gives the same string as applying it once.
 *
 * - U+202F (narrow no-break space) before `; : ! ?` and inside « »;
 * - U+202F between groups of thousands ("10 000", as Intl 'fr-FR' writes them) and before `%`;
 * - U+00A0 (no-break space) in hours ("13 h 00", "9 h") and before `€`;
 * - typographic apostrophe between letters (l'avenir -> l’avenir).
 * A colon only gets a narrow space where the author typed a space: "10:30", "https:" and
 * "Note:" without a space are left as written.
 */
export const NNBSP = '\u202F';
export const NBSP = '\u00A0';

// URLs, www. hosts, e-mail addresses and `code` spans are kept byte for byte.
const protectedSpans = /(?:https?:\/\/|mailto:|www\.)[^\s<>"«»]*[^\s<>"«».,;:!?)\]]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|`[^`]*`/giu;

const spaces = `[ ${NBSP}${NNBSP}]`;
const rules: ReadonlyArray<readonly [RegExp, string]> = [
  // A typed space (or several) before a high punctuation mark becomes one narrow no-break space.
  [new RegExp(`${spaces}+([;:!?])`, 'gu'), `${NNBSP}$1`],
  // No space typed before ; ! ? (but never before a colon: times, ratios, schemes).
  [new RegExp(`([^\\s${NNBSP};:!?«(\\[/])([;!?])(?=\\s|$|[»)\\]"'’.,;:!?])`, 'gu'), `$1${NNBSP}$2`],
  // Guillemets: exactly one narrow no-break space inside.
  [new RegExp(`«${spaces}*`, 'gu'), `«${NNBSP}`],
  [new RegExp(`${spaces}*»`, 'gu'), `${NNBSP}»`],
  // Thousands already grouped with spaces: 10 000, 1 250 000.
  [new RegExp(`(?<![\\d.,])(\\d{1,3})((?:${spaces}\\d{3})+)(?![\\d])`, 'gu'), 'THOUSANDS'],
  [new RegExp(`(\\d)${spaces}?%`, 'gu'), `$1${NNBSP}%`],
  [new RegExp(`(\\d)${spaces}?€`, 'gu'), `$1${NBSP}€`],
  // Hours: 13 h 00, 13h00, 9 h (a lone "9h" is left alone: it could be a reference).
  [new RegExp(`(?<![\\d:])(\\d{1,2})${spaces}?h${spaces}?(\\d{2})(?!\\d)`, 'gu'), `$1${NBSP}h${NBSP}$2`],
  [new RegExp(`(?<![\\d:])(\\d{1,2})${spaces}h(?![\\p{L}\\d])`, 'gu'), `$1${NBSP}h`],
  // Apostrophe between letters.
  [/(\p{L})'(?=\p{L})/gu, '$1’'],
];

function applyRules(text: string): string {
  let out = text;
  for (const [pattern, replacement] of rules) {
    out =
      replacement === 'THOUSANDS'
        ? out.replace(pattern, (_m, head: string, groups: string) => head + groups.replace(new RegExp(spaces, 'gu'), NNBSP))
        : out.replace(pattern, replacement);
  }
  return out;
}

export function frenchTypography(text: string): string {
  if (text === '') return text;
  let out = '';
  let last = 0;
  for (const m of text.matchAll(protectedSpans)) {
    out += applyRules(text.slice(last, m.index)) + m[0];
    last = m.index + m[0].length;
  }
  return out + applyRules(text.slice(last));
}

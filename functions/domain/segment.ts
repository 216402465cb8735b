import { z } from 'zod';
import { isEmptyFilter } from './segment-match';
import { singleLine } from './text-fields';

export const mediumTypes = ['print', 'radio', 'tv', 'web', 'agency'] as const;
export const tagsModes = ['any', 'all'] as const;

const criterion = (max: number, what: string) =>
  z
    .string({ error: `${what} : texte attendu` })
    .trim()
    .min(1, `${what} : valeur vide`)
    .max(max, `${what} : ${max} caractères au plus`);

/**
 * A saved filter over the press fields of a contact. Every criterion given must hold (AND);
 * inside one criterion the values are alternatives (OR), except tags in mode `all`.
 * No criterion at all matches everyone.
 */
export const segmentFilterSchema = z
  // A typo ("medium") ignored would widen the audience to everyone: an unknown key is refused, by name.
  .strictObject(
    {
      mediumTypes: z
        .array(z.enum(mediumTypes, { error: 'type de média inconnu (print, radio, tv, web ou agency)' }), {
          error: 'liste de types de média attendue',
        })
        .max(mediumTypes.length)
        .optional(),
      departments: z.array(criterion(10, 'département'), { error: 'liste de départements attendue' }).max(120).optional(),
      tags: z.array(criterion(60, 'étiquette'), { error: 'liste d’étiquettes attendue' }).max(50).optional(),
      tagsMode: z.enum(tagsModes, { error: 'mode des étiquettes : « any » (au moins une) ou « all » (toutes)' }).optional(),
      outletContains: z.string({ error: 'texte attendu' }).trim().max(200, '200 caractères au plus').optional(),
      language: z.string({ error: 'texte attendu' }).trim().max(10, '10 caractères au plus').optional(),
    },
    {
      error: (iss) =>
        iss.code === 'unrecognized_keys'
          ? `critère inconnu : ${iss.keys.join(', ')} (attendus : mediumTypes, departments, tags, tagsMode, outletContains, language)`
          : 'objet de critères attendu',
    },
  );
export type SegmentFilter = z.infer<typeof segmentFilterSchema>;

export const segmentInputSchema = z.object({
  name: z.string({ error: 'donnez un nom au segment' }).pipe(singleLine(120)),
  filter: segmentFilterSchema.refine((f) => !isEmptyFilter(f), {
    message: 'au moins un critère est nécessaire (média, département, étiquettes, titre ou langue)',
  }),
});
export type SegmentInput = z.input<typeof segmentInputSchema>;

export interface Segment {
  readonly id: string;
  readonly name: string;
  readonly filter: SegmentFilter;
  readonly createdAt: string;
  readonly updatedAt: string;
  /** Who saved it (name, for the list); absent for a segment made by the bootstrap token. */
  readonly createdBy?: string;
}

// Zod-free, for the send worker's bundle (the snapshot filters by them).
export { isEmptyFilter, matches } from './segment-match';

const mediumWords: Record<(typeof mediumTypes)[number], string> = {
  print: 'presse écrite',
  radio: 'radio',
  tv: 'télévision',
  web: 'web',
  agency: 'agence',
};

/** The filter in French words, for lists, the send dialog and the campaign page. */
export function describeFilter(f: SegmentFilter): string {
  const parts: string[] = [];
  if (f.mediumTypes?.length) parts.push(`média : ${f.mediumTypes.map((m) => mediumWords[m]).join(' ou ')}`);
  if (f.departments?.length) parts.push(`département : ${f.departments.join(' ou ')}`);
  if (f.tags?.length)
    parts.push(`${f.tagsMode === 'all' ? 'toutes les étiquettes' : 'au moins une étiquette parmi'} : ${f.tags.join(', ')}`);
  if (f.outletContains?.trim()) parts.push(`titre contenant « ${f.outletContains.trim()} »`);
  if (f.language?.trim()) parts.push(`langue : ${f.language.trim()}`);
  return parts.length > 0 ? parts.join(' ; ') : 'tous les contacts';
}

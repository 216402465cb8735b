import { DEFAULT_TIME_ZONE } from '../../../domain/french-dates';
import { type Ambiguity, resolveLocalTime, toLocalTime } from '../../../domain/local-time';
import type { ReleaseContent, ReleaseContentInput } from '../../../domain/release';

/**
 * The editor's form, as the browser posts it, and its mapping to a release's content. Pure:
 * no store, no clock. Field names are the content's paths (`title`, `event.venue.name`,
 * `quotes.2.author`), so that the schema's errors name the input they belong to.
 */

/** Repeated blocks and the fields of each row, in the order the form shows them. */
export const repeatedBlocks = {
  quotes: ['text', 'author', 'role', 'afterParagraph'],
  about: ['title', 'body'],
  pressContacts: ['name', 'role', 'organisation', 'email', 'phone'],
  socialLinks: ['network', 'label', 'url'],
  links: ['label', 'url'],
  images: ['url', 'alt', 'caption', 'credit'],
  attachments: ['label', 'url', 'kind'],
  'event.programme': ['time', 'title', 'speaker'],
  'event.speakers': ['name', 'title'],
  'event.organiserContacts': ['organisation', 'label', 'email'],
} as const;
export type BlockName = keyof typeof repeatedBlocks;
export const blockNames = Object.keys(repeatedBlocks) as BlockName[];
export type BlockRow = Record<string, string>;

/** Single fields, by their form name. */
export const scalarFields = [
  'kind',
  'announcementType',
  'brandId',
  'dateline.city',
  'dateline.date',
  'title',
  'subtitle',
  'lead',
  'body',
  'embargoLocal',
  'embargoAmbiguity',
  'event.name',
  'event.edition',
  'event.theme',
  'event.start',
  'event.end',
  'event.venue.name',
  'event.venue.address',
  'event.venue.mapUrl',
  'event.registrationUrl',
] as const;
export type ScalarField = (typeof scalarFields)[number];

/** Everything the author typed, as text: what the form re-renders when it is not saved. */
export interface ReleaseFormState {
  readonly fields: Readonly<Record<ScalarField, string>>;
  readonly coBrandIds: readonly string[];
  readonly blocks: Readonly<Record<BlockName, readonly BlockRow[]>>;
}

/** The embargo is typed as a local time in Paris. */
export const EMBARGO_TIME_ZONE = DEFAULT_TIME_ZONE;

export type FormBody = Record<string, string | File | (string | File)[]>;

const firstText = (v: FormBody[string] | undefined): string => {
  const value = Array.isArray(v) ? v[0] : v;
  return typeof value === 'string' ? value : '';
};
const allTexts = (v: FormBody[string] | undefined): string[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string');

const emptyRow = (block: BlockName): BlockRow => Object.fromEntries(repeatedBlocks[block].map((f) => [f, '']));

/** A new release's form: nothing typed yet, one kind and one brand chosen. */
export function emptyReleaseForm(kind: 'press-release' | 'event-announcement', brandId: string): ReleaseFormState {
  const fields = Object.fromEntries(scalarFields.map((f) => [f, ''])) as Record<ScalarField, string>;
  fields.kind = kind;
  fields.brandId = brandId;
  const blocks = Object.fromEntries(blockNames.map((b) => [b, []])) as unknown as Record<BlockName, BlockRow[]>;
  return { fields, coBrandIds: [], blocks };
}

/** The form as posted (from `parseBody({ all: true })`); unknown names are ignored. */
export function parseReleaseForm(body: FormBody): ReleaseFormState {
  const fields = Object.fromEntries(scalarFields.map((f) => [f, firstText(body[f])])) as Record<ScalarField, string>;
  const blocks = {} as Record<BlockName, BlockRow[]>;
  for (const block of blockNames) {
    const rows = new Map<number, BlockRow>();
    const prefix = `${block}.`;
    for (const [name, value] of Object.entries(body)) {
      if (!name.startsWith(prefix)) continue;
      const m = /^(\d{1,4})\.([A-Za-z]+)$/.exec(name.slice(prefix.length));
      if (!m || !(repeatedBlocks[block] as readonly string[]).includes(m[2] ?? '')) continue;
      const index = Number(m[1]);
      const row = rows.get(index) ?? emptyRow(block);
      row[m[2] as string] = firstText(value);
      rows.set(index, row);
    }
    // Rows keep their order; gaps (a row removed by hand) close up.
    blocks[block] = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  }
  return { fields, coBrandIds: allTexts(body.coBrandIds).filter((b) => b.trim() !== ''), blocks };
}

/** What an `_action` button asks: add, remove or move a row of a repeated block. */
export interface BlockAction {
  readonly verb: 'add' | 'remove' | 'up' | 'down';
  readonly block: BlockName;
  readonly index?: number;
}

export function parseBlockAction(value: string): BlockAction | undefined {
  const m = /^(add|remove|up|down):([A-Za-z.]+)(?::(\d{1,4}))?$/.exec(value);
  if (!m || !(blockNames as string[]).includes(m[2] ?? '')) return undefined;
  const verb = m[1] as BlockAction['verb'];
  const index = m[3] === undefined ? undefined : Number(m[3]);
  if (verb !== 'add' && index === undefined) return undefined;
  return { verb, block: m[2] as BlockName, index };
}

/**
 * The form after an add/remove/move, unsaved, and the index of the row to focus (the new one,
 * or the moved one); an index out of range changes nothing.
 */
export function applyBlockAction(state: ReleaseFormState, action: BlockAction): { state: ReleaseFormState; focus?: number } {
  const rows = [...state.blocks[action.block]];
  const i = action.index ?? -1;
  let focus: number | undefined;
  if (action.verb === 'add') {
    rows.push(emptyRow(action.block));
    focus = rows.length - 1;
  } else if (i < 0 || i >= rows.length) {
    return { state };
  } else if (action.verb === 'remove') {
    rows.splice(i, 1);
    focus = rows.length === 0 ? undefined : Math.min(i, rows.length - 1);
  } else {
    const j = action.verb === 'up' ? i - 1 : i + 1;
    if (j < 0 || j >= rows.length) return { state, focus: i };
    [rows[i], rows[j]] = [rows[j] as BlockRow, rows[i] as BlockRow];
    focus = j;
  }
  return { state: { ...state, blocks: { ...state.blocks, [action.block]: rows } }, focus };
}

/** A field left empty is absent (the schema's optional fields), not an empty string. */
const opt = (s: string | undefined) => {
  const t = (s ?? '').trim();
  return t === '' ? undefined : t;
};
const stripUndefined = <T extends object>(o: T): T => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
/** A number when it is one; otherwise the text, so that the schema names the field. */
const optNumber = (s: string | undefined): number | string | undefined => {
  const t = opt(s);
  if (t === undefined) return undefined;
  return /^\d{1,6}$/.test(t) ? Number(t) : t;
};

/** An error the mapping itself finds (the embargo's local time), named like the schema's. */
export interface FormFieldError {
  readonly field: string;
  readonly message: string;
}

/** The embargo typed in Paris time as an instant, or the question to ask the author. */
export function embargoInstant(
  local: string,
  ambiguity: string,
): { instant?: string; error?: FormFieldError; ambiguous?: { earlier: string; later: string } } {
  const typed = local.trim();
  if (typed === '') return {};
  const choice: Ambiguity | undefined = ambiguity === 'earlier' || ambiguity === 'later' ? ambiguity : undefined;
  try {
    return { instant: resolveLocalTime(typed, EMBARGO_TIME_ZONE, choice, 'embargoUntil').toISOString() };
  } catch (e: unknown) {
    const message = e instanceof Error ? e.message : String(e);
    // Exists twice (clocks go back): ask which one, in words, with both offsets.
    try {
      const earlier = resolveLocalTime(typed, EMBARGO_TIME_ZONE, 'earlier', 'embargoUntil');
      const later = resolveLocalTime(typed, EMBARGO_TIME_ZONE, 'later', 'embargoUntil');
      return {
        error: {
          field: 'embargoUntil',
          message: `Cette heure existe deux fois à Paris cette nuit-là (retour à l’heure d’hiver) : choisissez ci-dessous la première (heure d’été) ou la seconde (heure d’hiver).`,
        },
        ambiguous: { earlier: earlier.toISOString(), later: later.toISOString() },
      };
    } catch {
      return { error: { field: 'embargoUntil', message } };
    }
  }
}

const rowsOf = (state: ReleaseFormState, block: BlockName) => state.blocks[block];

/**
 * The content the form describes, for the use-cases to validate (their schema gives the field
 * errors), and the errors the mapping finds itself (the embargo time).
 */
export function formToContentInput(state: ReleaseFormState): { input: ReleaseContentInput; errors: FormFieldError[] } {
  const f = state.fields;
  const errors: FormFieldError[] = [];
  const embargo = embargoInstant(f.embargoLocal, f.embargoAmbiguity);
  if (embargo.error) errors.push(embargo.error);
  const isEvent = f.kind === 'event-announcement';
  const city = opt(f['dateline.city']);
  const date = opt(f['dateline.date']);
  const input = stripUndefined({
    schemaVersion: 1 as const,
    kind: (f.kind || 'press-release') as ReleaseContentInput['kind'],
    announcementType: opt(f.announcementType) as ReleaseContentInput['announcementType'],
    brandId: f.brandId.trim(),
    coBrandIds: [...new Set(state.coBrandIds)].filter((b) => b !== f.brandId),
    language: 'fr-FR',
    dateline: city || date ? { city: city ?? '', date: date ?? '' } : undefined,
    title: f.title,
    subtitle: opt(f.subtitle),
    lead: opt(f.lead),
    // The body keeps its exact text (Markdown is whitespace-sensitive); only the line ends are normalised.
    body: f.body.replace(/\r\n?/g, '\n'),
    quotes: rowsOf(state, 'quotes').map((r) =>
      stripUndefined({
        text: r.text ?? '',
        author: r.author ?? '',
        role: opt(r.role),
        afterParagraph: optNumber(r.afterParagraph) as number | undefined,
      }),
    ),
    about: rowsOf(state, 'about').map((r) => ({ title: r.title ?? '', body: (r.body ?? '').replace(/\r\n?/g, '\n') })),
    pressContacts: rowsOf(state, 'pressContacts').map((r) =>
      stripUndefined({
        name: r.name ?? '',
        role: opt(r.role),
        organisation: opt(r.organisation),
        email: opt(r.email),
        phone: opt(r.phone),
      }),
    ),
    socialLinks: rowsOf(state, 'socialLinks').map((r) => ({ network: r.network ?? '', label: r.label ?? '', url: r.url ?? '' })),
    links: rowsOf(state, 'links').map((r) => ({ label: r.label ?? '', url: r.url ?? '' })),
    images: rowsOf(state, 'images').map((r) =>
      stripUndefined({ url: r.url ?? '', alt: r.alt ?? '', caption: opt(r.caption), credit: opt(r.credit) }),
    ),
    attachments: rowsOf(state, 'attachments').map((r) => ({
      label: r.label ?? '',
      url: r.url ?? '',
      kind: (opt(r.kind) ?? 'other') as 'photo' | 'pdf' | 'document' | 'other',
    })),
    embargoUntil: embargo.instant,
    event: isEvent
      ? stripUndefined({
          name: f['event.name'],
          edition: opt(f['event.edition']),
          theme: opt(f['event.theme']),
          start: f['event.start'].trim(),
          end: opt(f['event.end']),
          timeZone: EMBARGO_TIME_ZONE,
          venue: stripUndefined({
            name: f['event.venue.name'],
            address: opt(f['event.venue.address']),
            mapUrl: opt(f['event.venue.mapUrl']),
          }),
          programme: rowsOf(state, 'event.programme').map((r) =>
            stripUndefined({ time: opt(r.time), title: r.title ?? '', speaker: opt(r.speaker) }),
          ),
          speakers: rowsOf(state, 'event.speakers').map((r) => stripUndefined({ name: r.name ?? '', title: opt(r.title) })),
          registrationUrl: opt(f['event.registrationUrl']),
          organiserContacts: rowsOf(state, 'event.organiserContacts').map((r) =>
            stripUndefined({ organisation: r.organisation ?? '', label: opt(r.label), email: r.email ?? '' }),
          ),
        })
      : undefined,
  }) as ReleaseContentInput;
  return { input, errors };
}

const text = (v: string | number | undefined) => (v === undefined ? '' : String(v));
const strings = <T extends object>(o: T, names: readonly string[]): BlockRow =>
  Object.fromEntries(names.map((n) => [n, text((o as Record<string, string | number | undefined>)[n])]));

/** A stored release's content as the form shows it (the embargo in Paris time). */
export function contentToForm(content: ReleaseContent): ReleaseFormState {
  const e = content.event;
  let embargoLocal = '';
  let embargoAmbiguity = '';
  if (content.embargoUntil) {
    const instant = new Date(content.embargoUntil);
    embargoLocal = toLocalTime(instant, EMBARGO_TIME_ZONE);
    // An hour that exists twice keeps the one that was chosen.
    const asked = embargoInstant(embargoLocal, '');
    if (asked.ambiguous) embargoAmbiguity = asked.ambiguous.earlier === instant.toISOString() ? 'earlier' : 'later';
  }
  const fields: Record<ScalarField, string> = {
    kind: content.kind,
    announcementType: content.announcementType ?? '',
    brandId: content.brandId,
    'dateline.city': content.dateline?.city ?? '',
    'dateline.date': content.dateline?.date ?? '',
    title: content.title,
    subtitle: content.subtitle ?? '',
    lead: content.lead ?? '',
    body: content.body,
    embargoLocal,
    embargoAmbiguity,
    'event.name': e?.name ?? '',
    'event.edition': e?.edition ?? '',
    'event.theme': e?.theme ?? '',
    'event.start': e?.start.slice(0, 16) ?? '',
    'event.end': e?.end?.slice(0, 16) ?? '',
    'event.venue.name': e?.venue.name ?? '',
    'event.venue.address': e?.venue.address ?? '',
    'event.venue.mapUrl': e?.venue.mapUrl ?? '',
    'event.registrationUrl': e?.registrationUrl ?? '',
  };
  const sources: Record<BlockName, readonly object[]> = {
    quotes: content.quotes,
    about: content.about,
    pressContacts: content.pressContacts,
    socialLinks: content.socialLinks,
    links: content.links,
    images: content.images,
    attachments: content.attachments,
    'event.programme': e?.programme ?? [],
    'event.speakers': e?.speakers ?? [],
    'event.organiserContacts': e?.organiserContacts ?? [],
  };
  const blocks = Object.fromEntries(
    blockNames.map((b) => [b, sources[b].map((row) => strings(row, repeatedBlocks[b]))]),
  ) as unknown as Record<BlockName, BlockRow[]>;
  return { fields, coBrandIds: [...content.coBrandIds], blocks };
}

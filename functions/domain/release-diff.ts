import { diffWords } from 'diff';

/** One field that differs between two versions of a release's content. */
export interface FieldChange {
  /** The content path, as the schema names it: `title`, `quotes.1.author`, `event.venue.name`. */
  readonly path: string;
  /** Absent when the field was added. */
  readonly before?: string;
  /** Absent when the field was removed. */
  readonly after?: string;
  /** For texts present on both sides: the words kept, removed and added, in order. */
  readonly words?: readonly { readonly value: string; readonly added?: boolean; readonly removed?: boolean }[];
}

/** Fields that say nothing an author or reviewer reads. */
const ignored = new Set(['schemaVersion']);

/** Every leaf of a content as `path → text`, in the order the content lists them. */
function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value === undefined || value === null) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => {
      flatten(v, path ? `${path}.${i}` : String(i), into);
    });
    return;
  }
  if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!path && ignored.has(k)) continue;
      flatten(v, path ? `${path}.${k}` : k, into);
    }
    return;
  }
  const text = String(value);
  // An empty text and an absent field read the same to a person.
  if (text !== '') into.set(path, text);
}

/** Long enough that showing the words changed helps more than showing both texts whole. */
const wordsWorthShowing = (a: string, b: string) => a.length + b.length > 80;

/**
 * The fields that differ between two contents (before → after), field by field: added, removed,
 * or changed (with the words changed for long texts). Rows of repeated blocks compare by
 * position. Works on unsaved input too (any JSON-like value), so a version conflict can show
 * "theirs vs yours" before the author's text is valid.
 */
export function diffReleaseContent(before: unknown, after: unknown): FieldChange[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  flatten(before, '', a);
  flatten(after, '', b);
  const paths = [...new Set([...b.keys(), ...a.keys()])];
  const changes: FieldChange[] = [];
  for (const path of paths) {
    const x = a.get(path);
    const y = b.get(path);
    if (x === y) continue;
    if (x === undefined) changes.push({ path, after: y });
    else if (y === undefined) changes.push({ path, before: x });
    else
      changes.push({
        path,
        before: x,
        after: y,
        words: wordsWorthShowing(x, y) ? diffWords(x, y).map((p) => ({ value: p.value, added: p.added, removed: p.removed })) : undefined,
      });
  }
  return changes;
}

import type { Release, ReleaseStatus } from '../domain/release';
import { releaseKinds, releaseStatuses } from '../domain/release';
import type { AppDeps } from './deps';

export interface ReleaseFilters {
  readonly status?: ReleaseStatus;
  readonly brandId?: string;
  readonly kind?: (typeof releaseKinds)[number];
  /** Words of the title, case and accents ignored. */
  readonly q?: string;
}

export interface ReleaseListPage {
  readonly items: Release[];
  /** Opaque: the position after the last item shown; absent on the last page. */
  readonly cursor?: string;
}

/** Filters from a query string: unknown values are dropped rather than refused (a list is never an error). */
export function releaseFiltersFrom(query: Record<string, string | undefined>): ReleaseFilters {
  const status = releaseStatuses.find((s) => s === query.statut);
  const kind = releaseKinds.find((k) => k === query.genre);
  const brandId = query.marque?.trim() || undefined;
  const q = query.q?.trim().slice(0, 200) || undefined;
  return { status, kind, brandId, q };
}

/** The order of the list (newest first): the brand index's key, date then id. */
const sortKey = (r: Release) => `${r.content.dateline?.date ?? r.createdAt.slice(0, 10)}#${r.id}`;
const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

async function allOfBrand(deps: Pick<AppDeps, 'store'>, brandId: string): Promise<Release[]> {
  const out: Release[] = [];
  let cursor: string | undefined;
  do {
    const page = await deps.store.listReleasesByBrand(brandId, { limit: 200, cursor });
    out.push(...page.items);
    cursor = page.cursor;
  } while (cursor);
  return out;
}

/**
 * A page of the workspace's release list, filtered. The cursor is the sort key of the last item
 * shown (keyset, never an offset), so a release created meanwhile neither repeats nor hides one.
 * Reads every release of the brands concerned: a press office has hundreds, not millions; the
 * filters that matter (status, search) are not keys of the table.
 */
export async function listReleasesPage(
  deps: Pick<AppDeps, 'store'>,
  filters: ReleaseFilters,
  options: { cursor?: string; limit?: number } = {},
): Promise<ReleaseListPage> {
  const limit = Math.min(Math.max(options.limit ?? 20, 1), 100);
  const brands = filters.brandId ? [filters.brandId] : (await deps.store.listBrands()).map((b) => b.id);
  const byId = new Map<string, Release>();
  for (const brandId of brands) for (const r of await allOfBrand(deps, brandId)) byId.set(r.id, r);
  const words = filters.q ? fold(filters.q).split(/\s+/).filter(Boolean) : [];
  const after = options.cursor ? Buffer.from(options.cursor, 'base64url').toString('utf8') : undefined;
  const matching = [...byId.values()]
    .filter((r) => !filters.status || r.status === filters.status)
    .filter((r) => !filters.kind || r.content.kind === filters.kind)
    .filter((r) => words.every((w) => fold(r.content.title).includes(w)))
    .sort((a, b) => sortKey(b).localeCompare(sortKey(a)))
    .filter((r) => after === undefined || sortKey(r) < after);
  const items = matching.slice(0, limit);
  const last = items.at(-1);
  return { items, cursor: matching.length > limit && last ? Buffer.from(sortKey(last), 'utf8').toString('base64url') : undefined };
}

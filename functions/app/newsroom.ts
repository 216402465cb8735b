import { z } from 'zod';
import type { Brand } from '../domain/brand';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { Release } from '../domain/release';
import type { Page } from '../ports';
import { icsFilename, renderIcs } from '../render/ics';
import type { AppDeps } from './deps';
import { brandsOf, publicCalendarUrl } from './release-rendering';

type NewsroomDeps = Pick<AppDeps, 'store' | 'clock'>;

export const NEWSROOM_PAGE_SIZE = 20;
/** Store items read per query: drafts are skipped, so read more than a page's worth. */
const FETCH_SIZE = 50;
/** Store queries per request, all brands together: a newsroom page never walks the whole table. */
const MAX_READS = 12;

/**
 * Public = its first mail has gone out, its embargo, if any, has lifted, and no publisher has
 * taken it back. Otherwise a release does not exist for the public: not listed, no web
 * version, no feed entry, no .ics.
 */
export function isPublic(release: Release, now: Date): boolean {
  if (release.unpublishedAt !== undefined) return false;
  const wentOut = release.publishedAt !== undefined || (release.status === 'sent' && !release.awaitingFirstMail);
  const embargo = release.content.embargoUntil;
  return wentOut && (embargo === undefined || Date.parse(embargo) <= now.getTime());
}

/** When the public could first read it: publication, or the end of its embargo if later. */
export function publicSince(release: Release): Date {
  const out = Date.parse(release.publishedAt ?? release.sentAt ?? release.updatedAt);
  const embargo = release.content.embargoUntil ? Date.parse(release.content.embargoUntil) : 0;
  return new Date(Math.max(out, embargo));
}

export interface NewsroomPage {
  /** The brands of the page (one for a brand's newsroom), for names and links. */
  readonly brands: Brand[];
  /** Public releases, newest first (by the release's date: dateline, else creation). */
  readonly items: Release[];
  /** Opaque; absent on the last page. */
  readonly cursor?: string;
}

/**
 * One page of the newsroom, of one brand or of all. Releases are read through the store's
 * per-brand date index (`listReleasesByBrand`, newest first) and, for all brands, merged
 * in that same order. The cursor holds each brand's place in its index, so a page reads only
 * what it shows plus the drafts in between, up to MAX_READS queries.
 */
export async function listPublishedReleases(
  deps: NewsroomDeps,
  /** `matches`: a further filter (search, kind), applied as releases are read so pages stay full. */
  options: { brandId?: string; cursor?: string; limit?: number; matches?: (r: Release) => boolean } = {},
): Promise<NewsroomPage> {
  const limit = Math.min(Math.max(options.limit ?? NEWSROOM_PAGE_SIZE, 1), 100);
  let brands: Brand[];
  if (options.brandId !== undefined) {
    const brand = await deps.store.getBrand(options.brandId);
    if (!brand) throw new NotFoundError('Marque', options.brandId);
    brands = [brand];
  } else {
    brands = (await deps.store.listBrands()).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }
  const places = decodeNewsroomCursor(options.cursor);
  const now = deps.clock.now();
  const budget = { left: MAX_READS };
  // A brand's listing holds its co-branded releases too; across all brands, each release comes
  // once, from its main brand's listing.
  const all = options.brandId === undefined;
  const streams = brands.map(
    (b) =>
      new ReleaseStream(
        b.id,
        (cursor) => deps.store.listReleasesByBrand(b.id, { limit: FETCH_SIZE, cursor }),
        places[b.id] ?? { skip: 0 },
        (r) => isPublic(r, now) && (!all || r.content.brandId === b.id) && (options.matches?.(r) ?? true),
        budget,
      ),
  );

  const items: Release[] = [];
  let more = false;
  for (;;) {
    const heads = await Promise.all(streams.map((s) => s.peek()));
    // A brand not read far enough may hold the next newest: stop here, the cursor resumes it.
    if (heads.includes(LATER)) {
      more = true;
      break;
    }
    let best: { index: number; release: Release; key: string } | undefined;
    for (const [index, head] of heads.entries()) {
      if (head === undefined || head === LATER) continue;
      const key = sortKey(head);
      if (!best || key > best.key) best = { index, release: head, key };
    }
    if (!best) break;
    if (items.length === limit) {
      more = true;
      break;
    }
    items.push(best.release);
    streams[best.index]?.advance();
  }
  return { brands, items, ...(more ? { cursor: encodeNewsroomCursor(streams) } : {}) };
}

/** The release as the public may see it; unknown, not yet sent and embargoed all answer the same. */
export async function getPublicRelease(deps: NewsroomDeps, id: string): Promise<Release> {
  const release = await deps.store.getRelease(id);
  if (!release || !isPublic(release, deps.clock.now())) throw new NotFoundError('Communiqué', id);
  return release;
}

/** The web version (the link in every mail): the mail's layout, no per-recipient link, the .ics linked for an event. */
export async function renderPublicWebVersion(
  deps: Pick<AppDeps, 'store' | 'clock' | 'publicBaseUrl' | 'renderWebPage'>,
  id: string,
): Promise<string> {
  const release = await getPublicRelease(deps, id);
  const { brand, coBrands } = await brandsOf(deps, release.content);
  return deps.renderWebPage({
    content: release.content,
    brand,
    coBrands,
    now: deps.clock.now(),
    ...(release.content.event ? { calendarUrl: publicCalendarUrl(deps.publicBaseUrl, release.id) } : {}),
  });
}

/** The event's calendar file; a release that announces no event has none. */
export async function publicEventCalendar(deps: NewsroomDeps, id: string): Promise<{ filename: string; ics: string }> {
  const release = await getPublicRelease(deps, id);
  if (!release.content.event) throw new NotFoundError('Événement du communiqué', id);
  return { filename: icsFilename(release.content), ics: renderIcs(release.content, { now: deps.clock.now() }) };
}

// --- merging the brands' date indexes ------------------------------------------------------

/** Mirrors the store's index key (`<dateline date or creation date>#<id>`), compared descending. */
const sortKey = (r: Release) => `${r.content.dateline?.date ?? r.createdAt.slice(0, 10)}#${r.id}`;

const LATER = Symbol('read budget spent');

/** Where a brand's next unread release is: `skip` items into the store page at `cursor`; 'end' when none is left. */
type Place = { cursor?: string; skip: number } | 'end';

/** One brand's public releases in index order, read a store page at a time. */
class ReleaseStream {
  private page: Release[] | undefined;
  private next: string | undefined;

  constructor(
    readonly brandId: string,
    private readonly load: (cursor?: string) => Promise<Page<Release>>,
    private place: Place,
    private readonly visible: (r: Release) => boolean,
    private readonly budget: { left: number },
  ) {}

  /** The next public release, undefined at the end, LATER when reading on would exceed the budget. */
  async peek(): Promise<Release | undefined | typeof LATER> {
    for (;;) {
      const place = this.place;
      if (place === 'end') return undefined;
      if (!this.page) {
        if (this.budget.left <= 0) return LATER;
        this.budget.left -= 1;
        const loaded = await this.load(place.cursor);
        this.page = loaded.items;
        this.next = loaded.cursor;
      }
      while (place.skip < this.page.length) {
        const release = this.page[place.skip] as Release;
        if (this.visible(release)) return release;
        place.skip += 1;
      }
      this.page = undefined;
      this.place = this.next === undefined ? 'end' : { cursor: this.next, skip: 0 };
    }
  }

  advance(): void {
    if (this.place !== 'end') this.place.skip += 1;
  }

  get position(): Place {
    return this.place;
  }
}

const placeSchema = z.union([
  z.literal('end'),
  z.object({ cursor: z.string().max(2_000).optional(), skip: z.number().int().min(0).max(FETCH_SIZE) }),
]);
const newsroomCursorSchema = z.record(z.string().max(64), placeSchema);

function encodeNewsroomCursor(streams: readonly ReleaseStream[]): string {
  return Buffer.from(JSON.stringify(Object.fromEntries(streams.map((s) => [s.brandId, s.position])))).toString('base64url');
}

function decodeNewsroomCursor(cursor: string | undefined): Record<string, Place> {
  if (cursor === undefined || cursor === '') return {};
  try {
    const parsed = newsroomCursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    if (parsed.success) return parsed.data as Record<string, Place>;
  } catch {
    // not JSON: refused below
  }
  throw new ValidationError('Lien de page invalide : revenez à la première page de la salle de presse.', 'cursor');
}

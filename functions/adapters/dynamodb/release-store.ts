import { ConflictError } from '../../domain/errors';
import type { Release, ReleaseContent } from '../../domain/release';
import type { BrandStore, Page, ReleaseStore, ReleaseVersionInfo } from '../../ports';
import { decodeCursor, encodeCursor, gsi, InvalidCursorError, keys } from './keys';
import { type Item, isConditionFailure, newCallId, strip, type TableAccess, transactionToken } from './table-access';

/**
 * Releases, their versions and their co-brand entries. A release item sits on the index of its
 * brand by date; a co-brand entry puts it on each co-brand's index too (the newsroom of a
 * co-brand lists it), pointing back at the release.
 */
export class DynamoReleaseStore implements ReleaseStore {
  constructor(
    private readonly table: TableAccess,
    private readonly brands: Pick<BrandStore, 'listBrands'>,
  ) {}

  private releaseItem(release: Release): Item {
    return {
      ...keys.release(release.id),
      gsi1pk: gsi.releasesOfBrand(release.content.brandId),
      gsi1sk: releaseIndexKey(release),
      type: 'release',
      ...release,
    };
  }

  /**
   * A co-brand's entry for a release: the release appears in the co-brand's listing (newsroom)
   * too. Same index keys as the release item; the listing reads the release itself.
   */
  private coBrandItems(release: Release): Item[] {
    const { gsi1sk } = this.releaseItem(release);
    return [...new Set(release.content.coBrandIds)]
      .filter((brandId) => brandId !== release.content.brandId)
      .map((brandId) => ({
        ...keys.releaseCoBrand(release.id, brandId),
        gsi1pk: gsi.releasesOfBrand(brandId),
        gsi1sk,
        type: 'release-cobrand',
        releaseId: release.id,
      }));
  }

  private versionItem(release: Release): Item {
    return {
      ...keys.releaseVersion(release.id, release.version),
      type: 'release-version',
      content: release.content,
      at: release.updatedAt,
      ...(release.updatedBy ? { by: release.updatedBy } : {}),
    };
  }

  async createRelease(release: Release): Promise<void> {
    const { tableName } = this.table;
    const items = [
      { Put: { TableName: tableName, Item: this.releaseItem(release), ConditionExpression: 'attribute_not_exists(pk)' } },
      { Put: { TableName: tableName, Item: this.versionItem(release) } },
      ...this.coBrandItems(release).map((Item) => ({ Put: { TableName: tableName, Item } })),
    ];
    try {
      await this.table.transact(items, transactionToken(newCallId(), 'create-release'));
    } catch (e: unknown) {
      if (isConditionFailure(e)) throw new ConflictError(`Le communiqué ${release.id} existe déjà.`);
      throw e;
    }
  }

  getRelease(id: string): Promise<Release | undefined> {
    return this.table.get<Release>(keys.release(id));
  }

  async updateRelease(release: Release, expectedVersion: number): Promise<void> {
    const { tableName } = this.table;
    // Co-brands dropped by this version lose their entry (the version condition guards the read).
    const before = await this.getRelease(release.id);
    const kept = new Set(release.content.coBrandIds);
    const dropped = (before?.content.coBrandIds ?? []).filter((b) => !kept.has(b) && b !== release.content.brandId);
    const items = [
      {
        Put: {
          TableName: tableName,
          Item: this.releaseItem(release),
          ConditionExpression: 'version = :v',
          ExpressionAttributeValues: { ':v': expectedVersion },
        },
      },
      { Put: { TableName: tableName, Item: this.versionItem(release) } },
      ...this.coBrandItems(release).map((Item) => ({ Put: { TableName: tableName, Item } })),
      ...dropped.map((brandId) => ({ Delete: { TableName: tableName, Key: keys.releaseCoBrand(release.id, brandId) } })),
    ];
    try {
      await this.table.transact(items, transactionToken(newCallId(), 'update-release'));
    } catch (e: unknown) {
      if (isConditionFailure(e)) {
        throw new ConflictError(`Le communiqué a été modifié entre-temps (version attendue ${expectedVersion}) : rechargez-le.`);
      }
      throw e;
    }
  }

  async getReleaseVersion(id: string, version: number): Promise<ReleaseContent | undefined> {
    const item = await this.table.get<{ content: ReleaseContent }>(keys.releaseVersion(id, version));
    return item?.content;
  }

  listReleasesByBrand(brandId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Release>> {
    return this.readBrandIndex(brandId, options.limit ?? 50, options.cursor);
  }

  /** One page of a brand's index, newest first; `before` keeps only entries older than that index key. */
  private async readBrandIndex(brandId: string, limit: number, cursor?: string, before?: string): Promise<Page<Release>> {
    const page = await this.table.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: before === undefined ? 'gsi1pk = :p' : 'gsi1pk = :p AND gsi1sk < :before',
        ExpressionAttributeValues: { ':p': gsi.releasesOfBrand(brandId), ...(before === undefined ? {} : { ':before': before }) },
        ScanIndexForward: false,
        Limit: limit,
      },
      cursor,
    );
    // Co-brand entries point at their release: read those in one batch, keep the index order.
    const linked = page.items.filter((i) => i.type === 'release-cobrand').map((i) => keys.release(String(i.releaseId)));
    const byId = new Map((linked.length > 0 ? await this.table.batchGet(linked) : []).map((i) => [String(i.id), strip<Release>(i)]));
    const items = page.items.flatMap((i) => {
      if (i.type !== 'release-cobrand') return [strip<Release>(i)];
      const release = byId.get(String(i.releaseId));
      return release ? [release] : [];
    });
    return { items, cursor: page.cursor };
  }

  /**
   * Every brand's releases merged, newest first, a co-branded release once. The cursor is the
   * index key of the last release given: the next page reads, in each brand, only what is older.
   * A brand's first `limit` entries always hold its share of the merged page (a co-brand entry
   * sorts with its release), so one read per brand and page is enough.
   */
  async listReleases(options: { limit?: number; cursor?: string } = {}): Promise<Page<Release>> {
    const limit = options.limit ?? 50;
    const before = decodeListCursor(options.cursor);
    const brands = await this.brands.listBrands();
    const pages = await Promise.all(brands.map((b) => this.readBrandIndex(b.id, limit, undefined, before)));
    const merged = [...new Map(pages.flatMap((p) => p.items).map((r) => [r.id, r])).values()];
    merged.sort((a, b) => releaseIndexKey(b).localeCompare(releaseIndexKey(a)));
    const items = merged.slice(0, limit);
    const more = merged.length > limit || pages.some((p) => p.cursor !== undefined);
    const last = items.at(-1);
    return { items, cursor: more && last ? encodeCursor({ before: releaseIndexKey(last) }) : undefined };
  }

  async listReleaseVersions(id: string): Promise<ReleaseVersionInfo[]> {
    // The version items only, without their content (the history shows who and when).
    const items = await this.table.queryAll({
      KeyConditionExpression: 'pk = :p AND begins_with(sk, :v)',
      ExpressionAttributeValues: { ':p': keys.release(id).pk, ':v': 'VERSION#' },
      ProjectionExpression: 'sk, #at, #by',
      ExpressionAttributeNames: { '#at': 'at', '#by': 'by' },
    });
    return items.map((i) => ({
      version: Number(String(i.sk).slice('VERSION#'.length)),
      at: String(i.at),
      ...(i.by ? { by: i.by as { id: string; name: string } } : {}),
    }));
  }
}

/** Where a release sits on its brands' index: its date (dateline, else creation), then its id. */
function releaseIndexKey(release: Release): string {
  return `${release.content.dateline?.date ?? release.createdAt.slice(0, 10)}#${release.id}`;
}

function decodeListCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  const before = decodeCursor(cursor)?.before;
  if (typeof before !== 'string') throw new InvalidCursorError(cursor);
  return before;
}

import { ConflictError } from '../../domain/errors';
import type { Release, ReleaseContent } from '../../domain/release';
import type { BrandStore, Page, ReleaseStore } from '../../ports';
import { gsi, keys } from './keys';
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
    const date = release.content.dateline?.date ?? release.createdAt.slice(0, 10);
    return {
      ...keys.release(release.id),
      gsi1pk: gsi.releasesOfBrand(release.content.brandId),
      gsi1sk: `${date}#${release.id}`,
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

  async listReleasesByBrand(brandId: string, options: { limit?: number; cursor?: string } = {}): Promise<Page<Release>> {
    const page = await this.table.query(
      {
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': gsi.releasesOfBrand(brandId) },
        ScanIndexForward: false,
        Limit: options.limit ?? 50,
      },
      options.cursor,
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

  async listReleases(options: { limit?: number } = {}): Promise<Page<Release>> {
    const brands = await this.brands.listBrands();
    const pages = await Promise.all(brands.map((b) => this.listReleasesByBrand(b.id, { limit: options.limit ?? 50 })));
    // A co-branded release is listed under each of its brands: once here.
    const items = [...new Map(pages.flatMap((p) => p.items).map((r) => [r.id, r])).values()];
    items.sort((a, b) => (b.content.dateline?.date ?? b.createdAt).localeCompare(a.content.dateline?.date ?? a.createdAt));
    return { items: items.slice(0, options.limit ?? 50) };
  }
}

import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Brand } from '../../domain/brand';
import type { BrandStore } from '../../ports';
import { gsi, keys } from './keys';
import { strip, type TableAccess } from './table-access';

/** Brands (press office, co-brands): one item each, listed by name on the index. */
export class DynamoBrandStore implements BrandStore {
  constructor(private readonly table: TableAccess) {}

  async putBrand(brand: Brand): Promise<void> {
    await this.table.doc.send(
      new PutCommand({
        TableName: this.table.tableName,
        Item: { ...keys.brand(brand.id), gsi1pk: gsi.brands, gsi1sk: brand.name, type: 'brand', ...brand },
      }),
    );
  }

  getBrand(id: string): Promise<Brand | undefined> {
    return this.table.get<Brand>(keys.brand(id));
  }

  async listBrands(): Promise<Brand[]> {
    const items = await this.table.queryAll({
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :p',
      ExpressionAttributeValues: { ':p': gsi.brands },
    });
    return items.map((i) => strip<Brand>(i));
  }
}

import type { Brand } from '../domain/brand';
import type { AppDeps } from './deps';

/**
 * The brand a public page wears: the one asked for (`?marque=`), else the brand of the first
 * list concerned, else the first brand by name. Undefined only when no brand exists.
 */
export async function publicBrandFor(
  deps: Pick<AppDeps, 'store'>,
  options: { brandId?: string; listIds?: readonly string[] } = {},
): Promise<Brand | undefined> {
  if (options.brandId) {
    const asked = await deps.store.getBrand(options.brandId);
    if (asked) return asked;
  }
  for (const listId of options.listIds ?? []) {
    const list = await deps.store.getList(listId);
    const brand = list?.brandId ? await deps.store.getBrand(list.brandId) : undefined;
    if (brand) return brand;
  }
  return (await deps.store.listBrands()).sort((a, b) => a.name.localeCompare(b.name, 'fr'))[0];
}

import { type Actor, assertCan } from '../domain/actor';
import { listInputSchema, type MailingList } from '../domain/audience';
import { NotFoundError, ValidationError } from '../domain/errors';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { createList } from './manage-audience';

/** Checks the brand a list is tied to exists: a mistyped id would leave its sign-up page unbranded. */
async function checkBrand(deps: Pick<AppDeps, 'store'>, brandId: string | undefined) {
  if (brandId && !(await deps.store.getBrand(brandId)))
    throw new ValidationError('Cette marque n’existe pas : choisissez-en une dans la liste.', 'brandId');
}

/** The one mistake a person can make in the form, said in French before the schema's own words. */
function requireName(raw: unknown) {
  const name = (raw as { name?: unknown } | undefined)?.name;
  if (typeof name !== 'string' || name.trim() === '') throw new ValidationError('Donnez un nom à la liste.', 'name');
}

/** A new list (kind, opt-in, public sign-up, brand), by someone who may manage the audience. */
export async function createListAs(deps: AppDeps, actor: Actor, raw: unknown): Promise<MailingList> {
  assertCan(actor, 'audience:manage');
  requireName(raw);
  const input = listInputSchema.parse(raw);
  await checkBrand(deps, input.brandId);
  const list = await createList(deps, input);
  await audit(deps, actor, 'list.created', 'list', list.id, `${list.name} (${list.kind}, ${list.optIn})`);
  return list;
}

/**
 * Changes a list's settings. Members keep their state: moving a list to single opt-in confirms
 * nobody (only the person confirms), and moving it to double opt-in unconfirms nobody.
 */
export async function updateListAs(deps: AppDeps, actor: Actor, id: string, raw: unknown): Promise<MailingList> {
  assertCan(actor, 'audience:manage');
  const current = await deps.store.getList(id);
  if (!current) throw new NotFoundError('Liste', id);
  requireName(raw);
  const input = listInputSchema.parse(raw);
  await checkBrand(deps, input.brandId);
  const list: MailingList = { ...input, id, createdAt: current.createdAt };
  await deps.store.updateList(list);
  await audit(deps, actor, 'list.updated', 'list', id, `${list.name} (${list.kind}, ${list.optIn})`);
  return list;
}

import { type Actor, assertCan } from '../domain/actor';
import type { AuditEntry } from '../domain/audit';
import { ValidationError } from '../domain/errors';
import type { AppDeps } from './deps';

export interface AuditFilter {
  /** `YYYY-MM`; the current month (in Paris) when absent. */
  readonly month?: string;
  readonly actorId?: string;
  readonly action?: string;
}

export interface AuditView {
  readonly month: string;
  readonly actorId?: string;
  readonly action?: string;
  /** Newest first. */
  readonly entries: readonly AuditEntry[];
  /** Everyone who acted this month, by name: the person filter's choices. */
  readonly people: readonly { readonly id: string; readonly name: string }[];
  /** Every action of the month: the action filter's choices. */
  readonly actions: readonly string[];
  /** The last twelve months, newest first: the month filter's choices. */
  readonly months: readonly string[];
}

const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `YYYY-MM` of an instant in Paris, where the press office works. */
export function parisMonth(instant: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris', year: 'numeric', month: '2-digit' })
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  return `${p.year}-${p.month}`;
}

function previousMonths(month: string, count: number): string[] {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return Array.from({ length: count }, (_, i) => {
    const d = new Date(Date.UTC(y, m - 1 - i, 1));
    return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  });
}

/**
 * One month of the audit log, filtered by person and action. Entries name people and sometimes
 * addresses: reading them needs the same permission as the audience itself.
 */
export async function auditView(deps: Pick<AppDeps, 'store' | 'clock'>, actor: Actor, filter: AuditFilter): Promise<AuditView> {
  assertCan(actor, 'audience:read');
  const current = parisMonth(deps.clock.now());
  const month = filter.month || current;
  if (!monthPattern.test(month)) throw new ValidationError('Mois invalide : choisissez un mois dans la liste (AAAA-MM).', 'mois');
  const all = (await deps.store.listAudit(month)).slice().reverse();
  const people = new Map<string, string>();
  for (const e of all) if (!people.has(e.actorId)) people.set(e.actorId, e.actorName);
  const entries = all.filter((e) => (!filter.actorId || e.actorId === filter.actorId) && (!filter.action || e.action === filter.action));
  return {
    month,
    actorId: filter.actorId || undefined,
    action: filter.action || undefined,
    entries,
    people: [...people].map(([id, name]) => ({ id, name })).sort((a, b) => a.name.localeCompare(b.name, 'fr')),
    actions: [...new Set(all.map((e) => e.action))].sort(),
    months: [...new Set([month, ...previousMonths(current, 12)])].sort().reverse(),
  };
}

import { DomainError } from './errors';

export const roles = ['editor', 'reviewer', 'publisher', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Who acts: an admin token or user, bound to one role. */
export interface Actor {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** The person's own address, when known (workspace accounts): where their test mails may go. */
  readonly email?: string;
}

/** What each role may do; admin may do everything. */
export const permissions = {
  'release:write': ['editor', 'publisher'],
  'release:review': ['reviewer'],
  'campaign:send': ['publisher'],
  'audience:manage': ['publisher'],
  /** Personal data: members, a subscriber, a campaign's failed recipients, the audit log (names, addresses). */
  'audience:read': ['publisher'],
  'tokens:manage': [],
  /** Workspace settings such as the addresses test mails may go to: admin only. */
  'settings:manage': [],
  'users:manage': [],
} as const satisfies Record<string, readonly Role[]>;
export type Permission = keyof typeof permissions;

export class ForbiddenError extends DomainError {
  constructor(actor: Actor, permission: Permission) {
    super('forbidden', `Action réservée (${permission}) : le rôle « ${actor.role} » de ${actor.name} ne le permet pas.`);
  }
}

export function can(actor: Actor, permission: Permission): boolean {
  return actor.role === 'admin' || (permissions[permission] as readonly Role[]).includes(actor.role);
}

export function assertCan(actor: Actor, permission: Permission): void {
  if (!can(actor, permission)) throw new ForbiddenError(actor, permission);
}

/** The bootstrap token (local .data/admin-token, or the stack's secret). */
export const bootstrapAdmin: Actor = { id: 'admin', name: 'Administrateur', role: 'admin' };

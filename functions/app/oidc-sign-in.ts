import type { Actor, Role } from '../domain/actor';
import { DomainError } from '../domain/errors';
import { accountEmail, checkUserName, EmailTakenError, type UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { type OpenedSession, openSession, storedSession } from './workspace-sessions';

/** How the provider's claims give a role: the values of `claim` (a string or a list), mapped by `map`. */
export interface OidcRoleMapping {
  readonly providerName: string;
  readonly claim: string;
  readonly map: Readonly<Record<string, Role>>;
}

/** The provider vouched for the person, but Communiqué does not let them in: 403 with the reason, in French. */
export class OidcSignInRefusedError extends DomainError {
  constructor(message: string) {
    super('forbidden', message);
  }
}

/**
 * When a person's groups map to several roles, the broadest wins. Reviewer and publisher are
 * not nested; publisher ranks first because it is the role a press officer in both groups needs.
 */
const rolePrecedence: readonly Role[] = ['admin', 'publisher', 'reviewer', 'editor'];

/** The values of the role claim (a string, or a list of strings as `groups` usually is). */
function claimValues(claims: Readonly<Record<string, unknown>>, claim: string): string[] {
  const raw = Object.hasOwn(claims, claim) ? claims[claim] : undefined;
  if (typeof raw === 'string') return [raw];
  if (Array.isArray(raw)) return raw.filter((v): v is string => typeof v === 'string');
  return [];
}

/** The role the claims give, or undefined when none of their values is in the mapping. Pure. */
export function roleFromClaims(claims: Readonly<Record<string, unknown>>, mapping: OidcRoleMapping): Role | undefined {
  const granted = new Set(
    claimValues(claims, mapping.claim).flatMap((v) => (Object.hasOwn(mapping.map, v) ? [mapping.map[v] as Role] : [])),
  );
  return rolePrecedence.find((r) => granted.has(r));
}

const text = (claims: Readonly<Record<string, unknown>>, name: string) => {
  const v = Object.hasOwn(claims, name) ? claims[name] : undefined;
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

function displayName(claims: Readonly<Record<string, unknown>>, email: string): string {
  const joined = [text(claims, 'given_name'), text(claims, 'family_name')].filter(Boolean).join(' ');
  const raw = text(claims, 'name') ?? (joined || email);
  try {
    return checkUserName(raw.slice(0, 120));
  } catch {
    return email;
  }
}

export interface OidcSignInInput {
  /** The ID token's claims, once the relying-party library has validated the token (signature, issuer, audience, nonce). */
  readonly claims: Readonly<Record<string, unknown>>;
  readonly mapping: OidcRoleMapping;
  /** The session cookie the browser already had, if any: it is ended (the session rotates). */
  readonly previousCookie?: string;
}

/**
 * Signs in a person the organisation's provider vouched for. The account is found by e-mail
 * (a local account and the provider's person are the same when the addresses match) or created
 * on first sign-in; its role follows the provider's claim at every sign-in, and a change of role
 * ends the person's other sessions as a change made in Réglages would. The provider, not a
 * password, is the proof here: a local password the account may have is left as it is.
 */
export async function oidcSignIn(deps: AppDeps, input: OidcSignInInput): Promise<OpenedSession & { user: UserAccount }> {
  const { claims, mapping } = input;
  const provider = mapping.providerName;
  const rawEmail = text(claims, 'email');
  // An address the provider has not verified could name someone else's local account (some providers send the flag as a string).
  if (!rawEmail || claims.email_verified === false || claims.email_verified === 'false')
    throw new OidcSignInRefusedError(
      `${provider} n’a pas transmis d’adresse e-mail vérifiée pour votre compte : la connexion à Communiqué est impossible. Adressez-vous au service informatique.`,
    );
  let email: string;
  try {
    email = accountEmail(rawEmail);
  } catch {
    throw new OidcSignInRefusedError(
      `L’adresse e-mail transmise par ${provider} n’est pas valide : la connexion à Communiqué est impossible.`,
    );
  }
  const role = roleFromClaims(claims, mapping);
  if (!role)
    throw new OidcSignInRefusedError(
      `Votre compte ${provider} n’appartient à aucun groupe autorisé à utiliser Communiqué. Demandez au service informatique de vous ajouter au groupe qui correspond à votre rôle.`,
    );

  // The provider is who changes accounts here: the audit log names it.
  const providerActor: Actor = { id: 'oidc', name: `Fournisseur d’identité ${provider}`, role: 'admin' };
  const at = deps.clock.now().toISOString();
  let user = await deps.users.getUserByEmail(email);
  if (!user) {
    const created: UserAccount = {
      id: deps.newId(),
      email,
      name: displayName(claims, email),
      role,
      status: 'active',
      sessionEpoch: 0,
      createdAt: at,
      updatedAt: at,
    };
    try {
      await deps.users.createUser(created);
      await audit(deps, providerActor, 'user.oidc-create', 'user', created.id, `${email}, rôle ${role}`);
      user = created;
    } catch (e: unknown) {
      // Two first sign-ins at once: the other one created the account.
      if (!(e instanceof EmailTakenError)) throw e;
      user = await deps.users.getUserByEmail(email);
      if (!user) throw e;
    }
  }
  if (user.status === 'deactivated')
    throw new OidcSignInRefusedError('Votre compte Communiqué a été désactivé. Adressez-vous à un administrateur de l’espace de travail.');

  // An invited account becomes active (the provider vouched for the address); a new role ends the other sessions.
  const change = { ...(user.role !== role ? { role } : {}), ...(user.status === 'invited' ? { status: 'active' as const } : {}) };
  if (Object.keys(change).length > 0) {
    const before = user;
    const changed = await deps.users.changeUser(user.id, change, at);
    if (!changed) throw new Error(`account ${user.id} vanished during OIDC sign-in`);
    user = changed;
    if (change.role)
      await audit(deps, providerActor, 'user.role', 'user', user.id, `${before.role} → ${role} (${email}, d’après « ${mapping.claim} »)`);
  }

  if (input.previousCookie) {
    const previous = await storedSession(deps, input.previousCookie);
    if (previous) await deps.users.deleteSession(previous.id);
  }
  const opened = await openSession(deps, user);
  await audit(deps, user, 'user.sign-in', 'user', user.id, `via ${provider}`);
  return { ...opened, user };
}

import { DomainError, ValidationError } from '../domain/errors';
import { verifyInvitation } from '../domain/invitation-token';
import { hashPassword } from '../domain/password-hash';
import { checkNewPassword, type UserAccount } from '../domain/user-account';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { type OpenedSession, openSession } from './workspace-sessions';

export class InvitationUsedError extends DomainError {
  constructor() {
    super(
      'invalid_token',
      'Cette invitation a déjà servi ou a été remplacée par une plus récente. Demandez-en une nouvelle à un administrateur.',
    );
  }
}

/** The invited account behind a link, if the link is genuine, unexpired and still unused. */
export async function invitationAccount(deps: Pick<AppDeps, 'users' | 'clock' | 'tokenKeys'>, token: string): Promise<UserAccount> {
  const claims = verifyInvitation(token, deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000));
  const user = await deps.users.getUser(claims.userId);
  if (user?.status !== 'invited' || user.invitationNonce !== claims.nonce) throw new InvitationUsedError();
  return user;
}

/** The invited person chooses their password: the account becomes active and they are signed in. */
export async function acceptInvitation(
  deps: AppDeps,
  token: string,
  input: { password: string; confirmation: string },
): Promise<OpenedSession & { user: UserAccount }> {
  const invited = await invitationAccount(deps, token);
  checkNewPassword(input.password);
  if (input.password !== input.confirmation) throw new ValidationError('Les deux mots de passe ne sont pas identiques.', 'confirmation');
  const claims = verifyInvitation(token, deps.tokenKeys, Math.floor(deps.clock.now().getTime() / 1000));
  const passwordHash = await hashPassword(input.password);
  // Conditional on the nonce: two submissions of the same link activate the account once.
  if (!(await deps.users.acceptInvitation(invited.id, claims.nonce, passwordHash, deps.clock.now().toISOString())))
    throw new InvitationUsedError();
  const user = (await deps.users.getUser(invited.id)) as UserAccount;
  await audit(deps, user, 'user.accept-invitation', 'user', user.id);
  return { ...(await openSession(deps, user)), user };
}

import { randomBytes } from 'node:crypto';
import { type Actor, assertCan } from '../domain/actor';
import { ConflictError } from '../domain/errors';
import { invitationValidSeconds, signInvitation } from '../domain/invitation-token';
import { accountEmail, checkUserName, type UserAccount } from '../domain/user-account';
import type { OutgoingMail } from '../ports';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { getUserAccount, parseRole } from './manage-users';

export interface InvitationInput {
  readonly email: string;
  readonly name: string;
  readonly role: string;
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/** The invitation mail: who invites, to what, the link, how long it works. French, text and HTML. */
export function invitationMail(input: {
  from: OutgoingMail['from'];
  to: string;
  name: string;
  invitedBy: string;
  office: string;
  link: string;
}): OutgoingMail {
  const hours = invitationValidSeconds / 3600;
  const subject = `Invitation à l’espace de travail Communiqué — ${input.office}`;
  const text = [
    `Bonjour ${input.name},`,
    '',
    `${input.invitedBy} vous invite à rejoindre l’espace de travail Communiqué de ${input.office}.`,
    `Pour choisir votre mot de passe, ouvrez ce lien dans les ${hours} heures (il ne sert qu’une fois) :`,
    input.link,
    '',
    'Si vous n’attendiez pas cette invitation, ignorez ce message : aucun compte ne sera ouvert.',
  ].join('\n');
  const html = `<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>
<body style="font-family:Arial,sans-serif;color:#1a1a1a;line-height:1.5;max-width:600px;margin:auto;padding:16px">
<p>Bonjour ${escapeHtml(input.name)},</p>
<p>${escapeHtml(input.invitedBy)} vous invite à rejoindre l’espace de travail Communiqué de ${escapeHtml(input.office)}.</p>
<p><a href="${escapeHtml(input.link)}" style="display:inline-block;background:#00557f;color:#ffffff;padding:12px 20px;text-decoration:none;border-radius:4px">Choisir mon mot de passe</a></p>
<p>Ce lien est valable ${hours} heures et ne sert qu’une fois. Si vous n’attendiez pas cette invitation, ignorez ce message : aucun compte ne sera ouvert.</p>
</body></html>`;
  return { from: input.from, to: input.to, subject, html, text, headers: [], tags: { kind: 'invitation' } };
}

/** A fresh single-use link for an invited account (any earlier link stops working), and its mail. */
async function sendInvitation(deps: AppDeps, actor: Actor, user: UserAccount): Promise<string> {
  const now = deps.clock.now();
  const nonce = randomBytes(16).toString('base64url');
  if (!(await deps.users.setInvitation(user.id, nonce, now.toISOString())))
    throw new ConflictError('Ce compte n’attend plus d’invitation : il est déjà actif ou désactivé.');
  const token = signInvitation({ userId: user.id, nonce, exp: Math.floor(now.getTime() / 1000) + invitationValidSeconds }, deps.tokenKeys);
  const link = `${deps.publicBaseUrl}/invitation/${token}`;
  const brand = (await deps.store.listBrands())[0];
  const host = new URL(deps.publicBaseUrl).hostname;
  await deps.mailer.send(
    invitationMail({
      from: brand ? { name: brand.senderName, address: brand.senderEmail } : { name: 'Communiqué', address: `ne-pas-repondre@${host}` },
      to: user.email,
      name: user.name,
      invitedBy: actor.name,
      office: brand?.name ?? 'Communiqué',
      link,
    }),
  );
  return link;
}

/** An admin invites a person by e-mail: the account waits, `invited`, until they choose a password. */
export async function inviteUser(deps: AppDeps, actor: Actor, input: InvitationInput): Promise<{ user: UserAccount; link: string }> {
  assertCan(actor, 'users:manage');
  const name = checkUserName(input.name);
  const email = accountEmail(input.email);
  const role = parseRole(input.role);
  const at = deps.clock.now().toISOString();
  const user: UserAccount = { id: deps.newId(), email, name, role, status: 'invited', sessionEpoch: 0, createdAt: at, updatedAt: at };
  await deps.users.createUser(user);
  const link = await sendInvitation(deps, actor, user);
  await audit(deps, actor, 'user.invite', 'user', user.id, `${email} (${role})`);
  return { user, link };
}

/** Sends a new invitation to an account still waiting (the previous link stops working). */
export async function resendInvitation(deps: AppDeps, actor: Actor, userId: string): Promise<{ user: UserAccount; link: string }> {
  const user = await getUserAccount(deps, actor, userId);
  const link = await sendInvitation(deps, actor, user);
  await audit(deps, actor, 'user.reinvite', 'user', user.id, user.email);
  return { user, link };
}

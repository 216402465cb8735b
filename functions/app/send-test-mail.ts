import { type Actor, can, ForbiddenError } from '../domain/actor';
import { maskedEmail } from '../domain/audience';
import type { Brand } from '../domain/brand';
import { normaliseEmail } from '../domain/email-address';
import { ConflictError, DomainError, ValidationError } from '../domain/errors';
import { formatFrenchInstant } from '../domain/french-dates';
import { isUnderEmbargo, type Release } from '../domain/release';
import type { OutgoingMail } from '../ports';
import { personalise } from '../render/compiled-mail';
import { audit } from './audit-log';
import type { AppDeps } from './deps';
import { loadRenderContext } from './preview-release';
import { unsubscribeHeaders } from './recipient-links';
import { compileCampaignMail } from './release-rendering';
import { getTestRecipients } from './test-mail-recipients';

export const testMailLimits = {
  /** Test mails per actor per window: enough to iterate on a draft, too few to mail a list by hand. */
  perActor: 20,
  windowSeconds: 600,
} as const;

export const testSubjectPrefix = '[TEST] ';

/**
 * `[TEST] `, or `[TEST – non approuvé – sous embargo jusqu’au …] `: whoever reads a test mail
 * (forwarded, found in a shared box) sees at once that it may not go out as it is.
 */
export function testSubjectTag(release: Release, brand: Brand, now: Date): string {
  const notes: string[] = [];
  if (brand.review.required && release.status !== 'approved' && release.status !== 'sent') notes.push('non approuvé');
  if (isUnderEmbargo(release.content, now))
    notes.push(`sous embargo jusqu’au ${formatFrenchInstant(new Date(release.content.embargoUntil as string))}`);
  return notes.length === 0 ? testSubjectPrefix : `[TEST – ${notes.join(' – ')}] `;
}

export class TestRecipientNotAllowedError extends DomainError {
  constructor(to: string) {
    super(
      'forbidden',
      `Envoi de test refusé : ${to} n’est ni votre adresse ni une adresse autorisée par un administrateur. Envoyez le test à votre propre adresse, ou demandez à un administrateur d’ajouter celle-ci aux destinataires de test.`,
    );
  }
}

export class TestMailRateLimitedError extends DomainError {
  constructor() {
    super(
      'rate_limited',
      `Trop d’envois de test : ${testMailLimits.perActor} au plus par période de ${testMailLimits.windowSeconds / 60} minutes. Réessayez dans quelques minutes.`,
    );
  }
}

/**
 * Links of a test mail: clearly not anyone's (a test address is not a subscriber, and a click
 * must not unsubscribe the press attaché from real lists). They point at the public routes,
 * which answer them with their "invalid link" page.
 */
export function testRecipientLinks(publicBaseUrl: string): { unsubscribeUrl: string; preferencesUrl: string } {
  return { unsubscribeUrl: `${publicBaseUrl}/unsubscribe/envoi-de-test`, preferencesUrl: `${publicBaseUrl}/preferences/envoi-de-test` };
}

/**
 * "Send a test to me": the release rendered as at launch (same compile, same headers, the
 * embargo banner and prefix if it would have them now), subject tagged by `testSubjectTag`, sent
 * once through the mailer to one address: the sender's own, or one an admin allowed. No campaign, no ledger, no list is read or written; only the
 * suppression list is consulted (a bounced or complained address is refused) and the audit log
 * gets a line. Rate-limited per actor.
 */
export async function sendTestMail(
  deps: AppDeps,
  input: { releaseId: string; to?: string },
  actor: Actor,
): Promise<{ messageId: string; to: string }> {
  // Everyone who works on releases: authors and publishers write them, reviewers read them in their own mail client.
  if (!can(actor, 'release:write') && !can(actor, 'release:review')) throw new ForbiddenError(actor, 'release:write');
  const given = input.to?.trim() ? input.to : actor.email;
  if (given === undefined || given.trim() === '')
    throw new ValidationError('Adresse du destinataire du test manquante (champ « to »).', 'to');
  const to = normaliseEmail(given, 'to');
  // Only to the sender's own address, or to one an admin allowed: a test is not a way to mail anyone.
  const own = actor.email !== undefined && normaliseEmail(actor.email) === to;
  if (!own && !(await getTestRecipients(deps)).includes(to)) throw new TestRecipientNotAllowedError(to);
  const { release, brand, coBrands } = await loadRenderContext(deps, input.releaseId);

  const suppression = await deps.store.suppressionOf(to);
  if (suppression) {
    throw new ConflictError(`Cette adresse ne reçoit plus d’envois (${suppression.reason}) : pas d’envoi de test à ${to}.`);
  }
  const now = deps.clock.now();
  if ((await deps.store.hit(`test-mail#${actor.id}`, testMailLimits.windowSeconds, now)) > testMailLimits.perActor)
    throw new TestMailRateLimitedError();

  // The mail a campaign leaving now would send (embargo prefix included), to one address.
  const compiled = await compileCampaignMail(deps, release, now, { brand, coBrands });
  const links = testRecipientLinks(deps.publicBaseUrl);
  const content = personalise(compiled, { ...links, email: to });
  const mail: OutgoingMail = {
    from: { name: brand.senderName, address: brand.senderEmail },
    replyTo: brand.replyTo ? [brand.replyTo] : undefined,
    to,
    subject: `${testSubjectTag(release, brand, now)}${content.subject}`,
    html: content.html,
    text: content.text,
    headers: unsubscribeHeaders(links.unsubscribeUrl),
    attachments: compiled.attachments,
    // No campaign tag: SES events for this mail touch no campaign counts (a bounce still suppresses).
    tags: { kind: 'test', release: release.id },
  };
  const { messageId } = await deps.mailer.send(mail);
  // Masked: the audit log outlives an erasure, and must not hold the address.
  await audit(deps, actor, 'release.test_sent', 'release', release.id, `envoi de test à ${maskedEmail(to)}`);
  return { messageId, to };
}

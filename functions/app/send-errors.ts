/**
 * How the worker treats an error from SES (or the fault-injecting wrapper that imitates it).
 * `unknown`: the request may have reached SES and no answer came back (timeout, connection
 * reset): SES may have accepted the mail, so it must not be sent again on a guess.
 */
export type SendErrorKind = 'throttled' | 'paused' | 'permanent' | 'transient' | 'unknown';

/** Socket errors after which the request may have been delivered; a refused or never-opened connection carried nothing. */
const answerLostCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

const throttledNames = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);
const pausedNames = new Set(['SendingPausedException', 'AccountSendingPausedException', 'AccountSuspendedException']);
const permanentNames = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException']);

/**
 * Refusals that say nothing about the recipient and would refuse every other one too: the
 * sender identity or MAIL FROM domain not verified (in the SES sandbox, "Email address is not
 * verified" also names unverified recipients: every other one would fail the same way), the
 * configuration set missing, sending paused for the account. The campaign pauses with the
 * reason (French) instead of failing each recipient; undefined for any other error.
 */
export function accountLevelRefusal(e: unknown): string | undefined {
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  if (name === 'MailFromDomainNotVerifiedException')
    return 'le domaine MAIL FROM de l’expéditeur n’est pas vérifié dans SES : vérifiez-le, puis reprenez l’envoi.';
  if (name === 'MessageRejected' && /not verified/i.test(message))
    return `l’adresse ou le domaine d’envoi n’est pas vérifié dans SES (en bac à sable, les destinataires doivent l’être aussi) : vérifiez l’identité, puis reprenez l’envoi. Détail : ${message.slice(0, 300)}`;
  if (name === 'ConfigurationSetDoesNotExistException' || (name === 'NotFoundException' && /configuration set/i.test(message)))
    return 'le jeu de configuration SES de l’application n’existe pas : redéployez la pile ou corrigez SES_CONFIGURATION_SET, puis reprenez l’envoi.';
  if (pausedNames.has(name))
    return `SES a suspendu les envois du compte (${name}) : réactivez l’envoi dans la console SES, puis reprenez la campagne.`;
  if (/daily message quota|sending quota|LimitExceeded/i.test(`${name} ${message}`))
    return 'le quota d’envoi journalier de SES est atteint : reprenez l’envoi demain ou demandez un quota plus élevé.';
  return undefined;
}

export function classifySendError(e: unknown): SendErrorKind {
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // The daily quota is reported as a throttle, but retrying cannot cure it before tomorrow.
  if (accountLevelRefusal(e) !== undefined) return 'paused';
  if (throttledNames.has(name) || status === 429 || /maximum sending rate exceeded/i.test(message)) return 'throttled';
  if (permanentNames.has(name)) return 'permanent';
  if (status === undefined) {
    const code = (e as { code?: unknown }).code;
    const neverConnected = /did not establish a connection/i.test(message);
    if (
      !neverConnected &&
      (name === 'TimeoutError' || (typeof code === 'string' && answerLostCodes.has(code)) || /socket hang up/i.test(message))
    )
      return 'unknown';
  }
  return 'transient';
}

export const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 500);

/**
 * Marks a recipient's error as passing (throttling or a transient SES error that outlasted every
 * retry): "resend to failed" picks such recipients up again, never those refused for good.
 */
export const PASSING_FAILURE_PREFIX = 'échec passager';

export const passingFailure = (error: string) => `${PASSING_FAILURE_PREFIX} (renvoi possible) : ${error}`.slice(0, 500);

/** Whether a failed recipient's recorded error is a passing one (see `passingFailure`). */
export const isPassingFailure = (error: string | undefined) => error?.startsWith(PASSING_FAILURE_PREFIX) === true;

/**
 * How the worker treats an error from SES (or the fault-injecting wrapper that imitates it).
 * `unknown`: the request may have reached SES and no answer came back (timeout, connection
 * reset): SES may have accepted the mail, so it must not be sent again on a guess.
 */
export type SendErrorKind = 'throttled' | 'paused' | 'permanent' | 'transient' | 'unknown';

/** Socket errors after which the request may have been delivered; a refused or never-opened connection carried nothing. */
const answerLostCodes = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT']);

const throttledNames = new Set(['TooManyRequestsException', 'ThrottlingException', 'Throttling']);
const pausedNames = new Set(['SendingPausedException', 'AccountSuspendedException']);
const permanentNames = new Set(['MessageRejected', 'MailFromDomainNotVerifiedException', 'BadRequestException', 'NotFoundException']);

export function classifySendError(e: unknown): SendErrorKind {
  const name = e instanceof Error ? e.name : '';
  const message = e instanceof Error ? e.message : String(e);
  const status = (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  // The daily quota is reported as a throttle, but retrying cannot cure it before tomorrow.
  if (pausedNames.has(name) || /daily message quota|sending quota|LimitExceeded/i.test(`${name} ${message}`)) return 'paused';
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

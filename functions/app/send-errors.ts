/** How the worker treats an error from SES (or the fault-injecting wrapper that imitates it). */
export type SendErrorKind = 'throttled' | 'paused' | 'permanent' | 'transient';

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
  return 'transient';
}

export const describeError = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).slice(0, 500);

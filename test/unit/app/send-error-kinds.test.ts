import { describe, expect, it } from 'vitest';
import { classifySendError } from '../../../functions/app/send-errors';

const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('classifySendError: was the mail possibly accepted?', () => {
  it('calls a lost answer unknown: a request timeout, a reset or a hang-up once the request left', () => {
    expect(
      classifySendError(sdkError('TimeoutError', 'a request has exceeded the configured 15000 ms requestTimeout.', { code: 'ETIMEDOUT' })),
    ).toBe('unknown');
    expect(classifySendError(sdkError('TimeoutError', 'the request socket timed out after 15000 ms of inactivity'))).toBe('unknown');
    expect(classifySendError(sdkError('Error', 'read ECONNRESET', { code: 'ECONNRESET' }))).toBe('unknown');
    expect(classifySendError(sdkError('Error', 'socket hang up'))).toBe('unknown');
  });

  it('keeps retrying what SES cannot have accepted: no connection, a 5xx, a throttle', () => {
    expect(
      classifySendError(
        sdkError(
          'TimeoutError',
          'the request socket did not establish a connection with the server within the configured timeout of 3000 ms.',
        ),
      ),
    ).toBe('transient');
    expect(classifySendError(sdkError('Error', 'connect ECONNREFUSED 127.0.0.1:8005', { code: 'ECONNREFUSED' }))).toBe('transient');
    expect(classifySendError(sdkError('InternalFailure', 'internal error', { $metadata: { httpStatusCode: 500 } }))).toBe('transient');
    expect(
      classifySendError(sdkError('TooManyRequestsException', 'Maximum sending rate exceeded.', { $metadata: { httpStatusCode: 429 } })),
    ).toBe('throttled');
  });
});

import { describe, expect, it } from 'vitest';
import { accountRefusals } from '../../../functions/adapters/local/fault-injecting-mailer';
import { accountLevelRefusal, classifySendError, isPassingFailure, passingFailure } from '../../../functions/app/send-errors';

const sdkError = (name: string, message: string) => Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });

describe('account-level SES refusals', () => {
  it('pause (with a French reason) instead of failing the recipient', () => {
    for (const make of Object.values(accountRefusals)) {
      const e = make();
      expect(classifySendError(e)).toBe('paused');
      expect(accountLevelRefusal(e)).toMatch(/reprenez|reprenez-la|réactivez/);
    }
    expect(accountLevelRefusal(sdkError('MailFromDomainNotVerifiedException', 'MAIL FROM domain not verified'))).toMatch(/MAIL FROM/);
    expect(accountLevelRefusal(sdkError('AccountSendingPausedException', 'Sending paused'))).toMatch(/suspendu/);
    expect(accountLevelRefusal(sdkError('ConfigurationSetDoesNotExistException', 'nope'))).toMatch(/jeu de configuration/);
  });

  it('leave a refusal of one recipient permanent, and a 5xx transient', () => {
    expect(classifySendError(sdkError('MessageRejected', 'Illegal address'))).toBe('permanent');
    expect(accountLevelRefusal(sdkError('MessageRejected', 'Illegal address'))).toBeUndefined();
    expect(classifySendError(sdkError('NotFoundException', 'Template does not exist'))).toBe('permanent');
    expect(classifySendError(Object.assign(new Error('internal'), { name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }))).toBe(
      'transient',
    );
  });

  it('mark passing failures so that resend-to-failed finds them', () => {
    expect(isPassingFailure(passingFailure('TooManyRequestsException: Maximum sending rate exceeded.'))).toBe(true);
    expect(isPassingFailure('MessageRejected: Illegal address')).toBe(false);
    expect(isPassingFailure(undefined)).toBe(false);
  });
});

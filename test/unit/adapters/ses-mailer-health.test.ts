import { GetAccountCommand, SESv2Client, SESv2ServiceException } from '@aws-sdk/client-sesv2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { SesMailer } from '../../../functions/adapters/ses/ses-mailer';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps } from '../../support/fakes';

// The SES emulator accepts every call: a refusal by IAM (AccessDenied) only exists in AWS, so
// here the client is mocked (the one place the conventions allow it).
const ses = mockClient(SESv2Client);
afterEach(() => ses.reset());

const serviceError = (name: string, status: number) =>
  new SESv2ServiceException({ name, $fault: status >= 500 ? 'server' : 'client', $metadata: { httpStatusCode: status }, message: name });

const mailer = () => new SesMailer(new SESv2Client({ region: 'eu-west-3', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), 'cs');

describe('SesMailer.ping', () => {
  it('is healthy when GetAccount answers', async () => {
    ses.on(GetAccountCommand).resolves({ SendQuota: { MaxSendRate: 14 } });
    expect(await mailer().ping()).toBe(true);
  });

  it('is unhealthy when the role may not call SES (AccessDenied): sends would be refused too', async () => {
    ses.on(GetAccountCommand).rejects(serviceError('AccessDeniedException', 403));
    expect(await mailer().ping()).toBe(false);
  });

  it('is healthy when only throttled, unhealthy on a server error or no answer', async () => {
    ses.on(GetAccountCommand).rejects(serviceError('TooManyRequestsException', 429));
    expect(await mailer().ping()).toBe(true);
    ses.reset();
    ses.on(GetAccountCommand).rejects(serviceError('InternalFailure', 500));
    expect(await mailer().ping()).toBe(false);
    ses.reset();
    ses.on(GetAccountCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    expect(await mailer().ping()).toBe(false);
  });
});

describe('/healthz with a mailer whose role is denied', () => {
  it('answers 503 "degraded" naming the mailer', async () => {
    ses.on(GetAccountCommand).rejects(serviceError('AccessDeniedException', 403));
    const m = mailer();
    const app = buildHttpApp(fakeDeps().deps, {
      adminToken: 'admin-token-for-tests',
      health: async () => ({ database: true, mailer: await m.ping() }),
      logError: () => {},
    });
    const res = await app.request('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'degraded', database: true, mailer: false });
  });
});

import { GetAccountCommand, SESv2Client, type SESv2ClientConfig, SESv2ServiceException, SendEmailCommand } from '@aws-sdk/client-sesv2';
import type { Mailer, OutgoingMail } from '../../ports';

/**
 * The SES client the mailer sends with. Retry policy for `SendEmail`: **no SDK retries**
 * (`maxAttempts: 1`). When an answer is lost (timeout, connection reset after the request left),
 * SES may have accepted the mail, and an SDK retry would send a second copy. The ledger decides
 * instead: a throttle (refused before acceptance) is retried by the worker with backoff; an error
 * that proves SES did not accept (4xx, 5xx, no connection) puts the recipient back to pending;
 * an answer lost leaves the recipient claimed (`sending`) until reconciliation or the SES Send
 * event settles it (see send-errors.ts, reconcile-claims.ts).
 * Timeouts are bounded so that a lost answer surfaces as an error instead of holding a worker.
 */
export function sesSendingClient(
  config: Pick<SESv2ClientConfig, 'region' | 'endpoint' | 'credentials'>,
  timeouts: { connectionTimeoutMs?: number; requestTimeoutMs?: number } = {},
): SESv2Client {
  return new SESv2Client({
    ...config,
    maxAttempts: 1,
    requestHandler: {
      connectionTimeout: timeouts.connectionTimeoutMs ?? 3_000,
      requestTimeout: timeouts.requestTimeoutMs ?? 15_000,
      throwOnRequestTimeout: true,
    },
  });
}

/** RFC 2047 encoded-word for display names with non-ASCII characters ("Conseil départemental"). */
export function formatAddress(name: string, address: string): string {
  // eslint-disable-next-line no-control-regex
  const safe = /^[\x20-\x7e]*$/.test(name)
    ? `"${name.replace(/(["\\])/g, '\\$1')}"`
    : `=?UTF-8?B?${Buffer.from(name).toString('base64')}?=`;
  return `${safe} <${address}>`;
}

/** SES tag values allow only letters, digits, `_`, `-`, `.` and `@`. */
const tagValue = (v: string) => v.replace(/[^A-Za-z0-9_\-.@]/g, '_').slice(0, 256);

export class SesMailer implements Mailer {
  constructor(
    private readonly client: SESv2Client,
    private readonly configurationSet?: string,
  ) {}

  async send(mail: OutgoingMail): Promise<{ messageId: string }> {
    const result = await this.client.send(
      new SendEmailCommand({
        FromEmailAddress: formatAddress(mail.from.name, mail.from.address),
        Destination: { ToAddresses: [mail.to] },
        ReplyToAddresses: mail.replyTo ? [...mail.replyTo] : undefined,
        ConfigurationSetName: this.configurationSet,
        EmailTags: Object.entries(mail.tags).map(([Name, Value]) => ({ Name, Value: tagValue(Value) })),
        Content: {
          Simple: {
            Subject: { Data: mail.subject, Charset: 'UTF-8' },
            Body: { Html: { Data: mail.html, Charset: 'UTF-8' }, Text: { Data: mail.text, Charset: 'UTF-8' } },
            Headers: mail.headers.map((h) => ({ Name: h.name, Value: h.value })),
            Attachments: mail.attachments?.map((a) => ({
              FileName: a.filename,
              ContentType: a.contentType,
              ContentDisposition: 'ATTACHMENT',
              RawContent: new TextEncoder().encode(a.content),
            })),
          },
        },
      }),
    );
    if (!result.MessageId) throw new Error('SES accepted the mail without returning a MessageId');
    return { messageId: result.MessageId };
  }

  async maxSendRate(): Promise<number | undefined> {
    const account = await this.client.send(new GetAccountCommand({}));
    return account.SendQuota?.MaxSendRate;
  }

  /**
   * True when this function may talk to SES: GetAccount answers, or is only throttled. A refusal
   * (AccessDenied: the role lacks permissions, so sends would fail too), a server error or no
   * answer at all is unhealthy.
   */
  async ping(): Promise<boolean> {
    try {
      await this.client.send(new GetAccountCommand({}));
      return true;
    } catch (e: unknown) {
      return e instanceof SESv2ServiceException && e.name === 'TooManyRequestsException';
    }
  }
}

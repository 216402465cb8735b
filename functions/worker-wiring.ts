import { createHmac } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EmfMailMetrics } from './adapters/cloudwatch/emf-mail-metrics';
import { DynamoStore } from './adapters/dynamodb/dynamo-store';
import { EventBridgeCampaignScheduler } from './adapters/scheduler/eventbridge-scheduler';
import { SesMailer, sesSendingClient } from './adapters/ses/ses-mailer';
import { SqsDeadLetters } from './adapters/sqs/sqs-dead-letters';
import { SqsSendQueue } from './adapters/sqs/sqs-send-queue';
import type { SendDeps } from './app/deps';
import { type AppConfig, type AwsConfig, ConfigError, loadAwsConfig } from './config';
import { SendPacer } from './domain/send-pacer';
import type { TokenKeyRing } from './domain/tokens';
import type { Clock } from './ports';

/**
 * The composition root, part one: SDK clients from config, and the deps of the send and
 * feedback workers. Kept apart from `wiring.ts` (the HTTP app, the local runtime) so that the
 * workers' bundles carry neither the routes nor the renderer.
 */
export const logger = new Logger({ serviceName: 'communique' });
export const systemClock: Clock = { now: () => new Date() };

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

export function buildStoreAndMailer(config: AppConfig, addressPepper?: string) {
  const local = config.dynamoEndpoint !== undefined;
  const dynamo = new DynamoDBClient({
    region: config.region,
    endpoint: config.dynamoEndpoint,
    ...(local ? { credentials: localCredentials } : {}),
  });
  // No SDK retries for SendEmail: see sesSendingClient.
  const ses = sesSendingClient({
    region: config.region,
    endpoint: config.sesEndpoint,
    ...(config.sesEndpoint ? { credentials: localCredentials } : {}),
  });
  return {
    dynamo,
    ses,
    store: new DynamoStore(dynamo, config.tableName, { addressPepper }),
    mailer: new SesMailer(ses, config.sesConfigurationSet),
  };
}

// --- AWS ---------------------------------------------------------------------------------------

export async function readSecret(client: SecretsManagerClient, arn: string): Promise<string> {
  const r = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!r.SecretString) throw new Error(`secret ${arn} has no string value`);
  return r.SecretString;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The key ring secret as the stack generates it: `{"currentKeyId":"k1","k1":"…","k2":"…"}`. */
export function parseKeyRingSecret(secret: string): TokenKeyRing {
  const { currentKeyId, addressPepper: _pepper, ...keys } = JSON.parse(secret) as Record<string, string>;
  if (!currentKeyId || !keys[currentKeyId]) throw new ConfigError([`link-signing key ring has no key "${currentKeyId}"`]);
  return { currentKeyId, keys };
}

/**
 * The pepper of the HMAC that suppressions, transient bounces and rate limits are kept under
 * (see DynamoStore). In AWS it lives in the token-keys secret: its `addressPepper` field when an
 * operator set one, else derived from key `k1`, which the stack generates with the secret and
 * which must therefore never leave the ring (rotating links adds k2, k3… and keeps k1). Whatever
 * its source, it must never change: a new pepper forgets every suppression.
 */
export function addressPepperFromSecret(secret: string): string {
  const fields = JSON.parse(secret) as Record<string, string>;
  if (typeof fields.addressPepper === 'string' && fields.addressPepper.length >= 16) return fields.addressPepper;
  if (!fields.k1) throw new ConfigError(['link-signing key ring has neither "addressPepper" nor "k1": no pepper for suppressions']);
  return createHmac('sha256', fields.k1).update('communique/address-pepper/v1').digest('base64url');
}

export async function awsBaseDeps(config: AwsConfig, secrets: SecretsManagerClient): Promise<SendDeps> {
  const keyRingSecret = await readSecret(secrets, config.tokenKeysSecretArn);
  const { store, mailer } = buildStoreAndMailer(config, addressPepperFromSecret(keyRingSecret));
  const tokenKeys = parseKeyRingSecret(keyRingSecret);
  const sqs = new SQSClient({ region: config.region });
  const queue = new SqsSendQueue(sqs, config.sendQueueUrl);
  // Fire, sweep and launch messages skip the send backlog when the stack gives them their own queue.
  const controlQueue = config.controlQueueUrl ? new SqsSendQueue(sqs, config.controlQueueUrl) : undefined;
  const scheduler = config.scheduler
    ? new EventBridgeCampaignScheduler(new SchedulerClient({ region: config.region }), config.scheduler)
    : undefined;
  return {
    store,
    mailer,
    queue,
    clock: systemClock,
    tokenKeys,
    publicBaseUrl: config.publicBaseUrl,
    sleep,
    scheduler,
    lateCutoffMs: config.lateCutoffMs,
    controlQueue,
    uncoveredAfterMs: config.uncoveredAfterMs,
    deadLetters: config.deadLetterQueue ? new SqsDeadLetters(sqs, config.deadLetterQueue) : undefined,
  };
}

/** The workers' deps in AWS, with the mail counts that their handler flushes at the end of each invocation. */
export type AwsWorkerDeps<D> = D & { readonly metrics: EmfMailMetrics };

async function awsSendDeps(config: AwsConfig, secrets: SecretsManagerClient): Promise<AwsWorkerDeps<SendDeps>> {
  const base = await awsBaseDeps(config, secrets);
  // The rate is read before the first batch sends (sendBatch calls ensureSendRate), not guessed:
  // when GetAccount fails the campaign pauses with the reason, and the next batch asks again.
  // Every concurrent instance takes its share, so the sum stays under the account's rate.
  const pacer = new SendPacer(1);
  let known = false;
  const ensureSendRate = async () => {
    if (known) return;
    const rate = config.sesMaxSendRate ?? (await base.mailer.maxSendRate?.());
    if (!(typeof rate === 'number' && rate > 0)) throw new Error(`SES GetAccount gave no MaxSendRate (${String(rate)})`);
    pacer.setRate(rate / config.sendConcurrency);
    known = true;
  };
  return { ...base, pacer, ensureSendRate, metrics: new EmfMailMetrics() };
}

export async function buildAwsSendDeps(env: NodeJS.ProcessEnv = process.env): Promise<AwsWorkerDeps<SendDeps>> {
  const config = loadAwsConfig(env);
  return awsSendDeps(config, new SecretsManagerClient({ region: config.region }));
}

/** The feedback Lambda needs only the store, and the address pepper to suppress by: no queue. */
export async function buildAwsFeedbackDeps(
  env: NodeJS.ProcessEnv = process.env,
): Promise<AwsWorkerDeps<Pick<SendDeps, 'store' | 'clock'>>> {
  const region = env.AWS_REGION;
  const tableName = env.TABLE_NAME;
  const secretArn = env.TOKEN_KEYS_SECRET_ARN;
  const missing = [!region && 'AWS_REGION', !tableName && 'TABLE_NAME', !secretArn && 'TOKEN_KEYS_SECRET_ARN'].filter(Boolean);
  if (missing.length > 0 || !region || !tableName || !secretArn) throw new ConfigError(missing.map((m) => `${m}: Required`));
  const addressPepper = addressPepperFromSecret(await readSecret(new SecretsManagerClient({ region }), secretArn));
  const dynamo = new DynamoDBClient({ region });
  return { store: new DynamoStore(dynamo, tableName, { addressPepper }), clock: systemClock, metrics: new EmfMailMetrics(env) };
}

import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { EventBridgeCampaignScheduler, tableScheduler } from './adapters/scheduler/eventbridge-scheduler';
import { Logger } from '@aws-lambda-powertools/logger';
import { randomUUID } from 'node:crypto';
import { DynamoStore } from './adapters/dynamodb/dynamo-store';
import { InProcessQueue } from './adapters/local/in-process-queue';
import { SesMailer } from './adapters/ses/ses-mailer';
import { SqsSendQueue } from './adapters/sqs/sqs-send-queue';
import type { AppDeps, Renderer, SendDeps } from './app/deps';
import { handleSendMessage } from './app/handle-send-message';
import { ConfigError, loadAwsConfig, requireAdminTokenArn, type AppConfig, type AwsConfig } from './config';
import type { TokenKeyRing } from './domain/tokens';
import { buildHttpApp } from './http/app';
import type { Clock, Mailer } from './ports';
import { SendPacer } from './domain/send-pacer';
import { EmulatorSentMail } from './adapters/ses/emulator-sent-mail';

/**
 * The composition root: the only place that builds SDK clients from config and assembles
 * adapters into the deps the use-cases take. Renderer passed in by the caller so the send
 * Lambda's bundle never pulls MJML.
 */
export const logger = new Logger({ serviceName: 'communique' });
export const systemClock: Clock = { now: () => new Date() };

const localCredentials = { accessKeyId: 'local', secretAccessKey: 'local' };

function buildStoreAndMailer(config: AppConfig) {
  const local = config.dynamoEndpoint !== undefined;
  const dynamo = new DynamoDBClient({ region: config.region, endpoint: config.dynamoEndpoint, ...(local ? { credentials: localCredentials } : {}) });
  const ses = new SESv2Client({ region: config.region, endpoint: config.sesEndpoint, ...(config.sesEndpoint ? { credentials: localCredentials } : {}) });
  return { dynamo, ses, store: new DynamoStore(dynamo, config.tableName), mailer: new SesMailer(ses, config.sesConfigurationSet) };
}

// --- AWS ---------------------------------------------------------------------------------------

async function readSecret(client: SecretsManagerClient, arn: string): Promise<string> {
  const r = await client.send(new GetSecretValueCommand({ SecretId: arn }));
  if (!r.SecretString) throw new Error(`secret ${arn} has no string value`);
  return r.SecretString;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
/** SES sandbox rate: the safe guess when GetAccount cannot be read. */
const FALLBACK_SEND_RATE = 1;

/** The key ring secret as the stack generates it: `{"currentKeyId":"k1","k1":"…","k2":"…"}`. */
export function parseKeyRingSecret(secret: string): TokenKeyRing {
  const { currentKeyId, ...keys } = JSON.parse(secret) as Record<string, string>;
  if (!currentKeyId || !keys[currentKeyId]) throw new ConfigError([`link-signing key ring has no key "${currentKeyId}"`]);
  return { currentKeyId, keys };
}

async function awsBaseDeps(config: AwsConfig, secrets: SecretsManagerClient): Promise<SendDeps> {
  const { store, mailer } = buildStoreAndMailer(config);
  const tokenKeys = parseKeyRingSecret(await readSecret(secrets, config.tokenKeysSecretArn));
  const queue = new SqsSendQueue(new SQSClient({ region: config.region }), config.sendQueueUrl);
  const scheduler = config.scheduler ? new EventBridgeCampaignScheduler(new SchedulerClient({ region: config.region }), config.scheduler) : undefined;
  return { store, mailer, queue, clock: systemClock, tokenKeys, publicBaseUrl: config.publicBaseUrl, sleep, scheduler, lateCutoffMs: config.lateCutoffMs };
}

async function awsSendDeps(config: AwsConfig, secrets: SecretsManagerClient): Promise<SendDeps> {
  const base = await awsBaseDeps(config, secrets);
  const rate = config.sesMaxSendRate ?? (await base.mailer.maxSendRate?.().catch(() => undefined)) ?? FALLBACK_SEND_RATE;
  // Every concurrent instance takes its share, so the sum stays under the account's rate.
  return { ...base, pacer: new SendPacer(rate / config.sendConcurrency) };
}

export async function buildAwsSendDeps(env: NodeJS.ProcessEnv = process.env): Promise<SendDeps> {
  const config = loadAwsConfig(env);
  return awsSendDeps(config, new SecretsManagerClient({ region: config.region }));
}

/** The feedback Lambda needs only the store: no secrets, no queue. */
export function buildAwsFeedbackDeps(env: NodeJS.ProcessEnv = process.env): Pick<SendDeps, 'store' | 'clock'> {
  const region = env.AWS_REGION;
  const tableName = env.TABLE_NAME;
  const missing = [!region && 'AWS_REGION', !tableName && 'TABLE_NAME'].filter(Boolean);
  if (missing.length > 0 || !region || !tableName) throw new ConfigError(missing.map((m) => `${m}: Required`));
  const dynamo = new DynamoDBClient({ region });
  return { store: new DynamoStore(dynamo, tableName), clock: systemClock };
}

export async function buildAwsHttpApp(renderer: Renderer, env: NodeJS.ProcessEnv = process.env) {
  const config = loadAwsConfig(env);
  const secrets = new SecretsManagerClient({ region: config.region });
  const [sendDeps, adminToken] = await Promise.all([awsBaseDeps(config, secrets), readSecret(secrets, requireAdminTokenArn(config))]);
  const deps: AppDeps = { ...sendDeps, newId: randomUUID, compileRelease: renderer.compileRelease, renderWebPage: renderer.renderWebPage };
  return buildHttpApp(deps, {
    adminToken: adminToken.trim(),
    health: async () => ({ database: await deps.store.ping().catch(() => false), mailer: await deps.mailer.ping() }),
    logError: (e) => logger.error('unhandled error', { error: e as Error }),
  });
}

// --- local -------------------------------------------------------------------------------------

export interface LocalWiring {
  readonly deps: AppDeps;
  readonly queue: InProcessQueue;
  /** Shared by every local worker; its rate is set from GetAccount (or SES_MAX_SEND_RATE) at start. */
  readonly pacer: SendPacer;
  readonly dynamo: DynamoDBClient;
  readonly http: ReturnType<typeof buildHttpApp>;
  close(): void;
}

export function buildLocalWiring(
  config: AppConfig,
  secrets: { adminToken: string; tokenKeys: TokenKeyRing },
  renderer: Renderer,
  options: {
    concurrency?: number;
    clock?: Clock;
    batchSize?: number;
    onQueueError?: (e: unknown) => void;
    sendRate?: number;
    /** Fault injection (tests, benches): wrap the SES mailer, duplicate queue deliveries. */
    wrapMailer?: (m: Mailer) => Mailer;
    duplicateDeliveries?: number;
  } = {},
): LocalWiring {
  const built = buildStoreAndMailer(config);
  const { dynamo, ses, store } = built;
  const mailer = options.wrapMailer ? options.wrapMailer(built.mailer) : built.mailer;
  const pacer = new SendPacer(options.sendRate ?? config.sesMaxSendRate ?? 14);
  const queue: InProcessQueue = new InProcessQueue({
    handler: (message) => handleSendMessage(deps, message),
    concurrency: options.concurrency ?? 4,
    duplicateRate: options.duplicateDeliveries,
    onError: options.onQueueError ?? ((e, m, n) => logger.warn('send message failed, will retry', { error: e as Error, campaignId: 'campaignId' in m ? m.campaignId : undefined, receiveCount: n })),
  });
  const deps: AppDeps = {
    store,
    mailer,
    queue,
    clock: options.clock ?? systemClock,
    tokenKeys: secrets.tokenKeys,
    publicBaseUrl: config.publicBaseUrl,
    batchSize: options.batchSize,
    pacer,
    sleep,
    sentMail: config.sesEndpoint ? new EmulatorSentMail(config.sesEndpoint) : undefined,
    scheduler: tableScheduler,
    newId: randomUUID,
    compileRelease: renderer.compileRelease,
    renderWebPage: renderer.renderWebPage,
  };
  const http = buildHttpApp(deps, {
    adminToken: secrets.adminToken,
    health: async () => ({
      database: await store.ping().catch(() => false),
      mailer: await mailer.ping(),
    }),
    logError: (e) => logger.error('unhandled error', { error: e as Error }),
  });
  return {
    deps,
    queue,
    pacer,
    dynamo,
    http,
    close() {
      queue.stop();
      dynamo.destroy();
      ses.destroy();
    },
  };
}

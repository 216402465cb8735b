import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { Hono } from 'hono';
import { DynamoMediaIndex } from './adapters/dynamodb/media-store';
import { DynamoUserStore } from './adapters/dynamodb/user-store';
import { FileImportFiles } from './adapters/local/file-import-files';
import { FileMediaStore } from './adapters/local/file-media-store';
import { InProcessDeadLetters, InProcessQueue } from './adapters/local/in-process-queue';
import { openIdRelyingParty } from './adapters/oidc/openid-relying-party';
import { S3MediaStore } from './adapters/s3/s3-media-store';
import { tableScheduler } from './adapters/scheduler/eventbridge-scheduler';
import { EmulatorSentMail } from './adapters/ses/emulator-sent-mail';
import type { AppDeps, Renderer } from './app/deps';
import { handleSendMessage } from './app/handle-send-message';
import { runImportJob } from './app/run-import-job';
import { type AppConfig, type LocalConfig, loadAwsConfig, loadOidcConfig, type OidcConfig, requireAdminTokenArn } from './config';
import { SendPacer } from './domain/send-pacer';
import type { TokenKeyRing } from './domain/tokens';
import { buildHttpApp } from './http/app';
import { edgeClientAddress, originGuard } from './http/origin-guard';
import { type ClientAddress, lambdaClientAddress } from './http/pages/auth/client-address';
import { sessionAuth } from './http/pages/auth/session-auth';
import { awsImportDeps } from './import-wiring';
import type { Clock, Mailer, MediaStore } from './ports';
import { awsBaseDeps, buildStoreAndMailer, logger, readSecret, sleep, systemClock } from './worker-wiring';

/**
 * The composition root, part two: the HTTP app (AWS and local) and the local runtime's wiring.
 * SDK clients come from `worker-wiring.ts`. The renderer is passed in by the caller so that no
 * worker bundle pulls MJML.
 */
export async function buildAwsHttpApp(renderer: Renderer, env: NodeJS.ProcessEnv = process.env) {
  const config = loadAwsConfig(env);
  const oidc = loadOidcConfig(env);
  const secrets = new SecretsManagerClient({ region: config.region });
  // Set by the stack when CloudFront fronts the API (infra/constructs/edge.ts): only requests
  // carrying its secret header get through, and the client address is the one the edge saw.
  const originSecretArn = env.ORIGIN_VERIFY_SECRET_ARN;
  const [sendDeps, adminToken, originSecret] = await Promise.all([
    awsBaseDeps(config, secrets),
    readSecret(secrets, requireAdminTokenArn(config)),
    originSecretArn ? readSecret(secrets, originSecretArn) : undefined,
  ]);
  const dynamo = new DynamoDBClient({ region: config.region });
  const users = new DynamoUserStore(dynamo, config.tableName);
  const deps: AppDeps = {
    ...sendDeps,
    newId: randomUUID,
    compileRelease: renderer.compileRelease,
    renderWebPage: renderer.renderWebPage,
    users,
    media: awsMediaStore(env.MEDIA_BUCKET, config.region, new DynamoMediaIndex(dynamo, config.tableName)),
    ...awsImportDeps(env, config.region),
  };
  const http = buildHttpApp(deps, {
    adminToken: adminToken.trim(),
    health: async () => ({ database: await deps.store.ping().catch(() => false), mailer: await deps.mailer.ping() }),
    logError: (e) => logger.error('unhandled error', { error: e as Error }),
    workspace: {
      auth: sessionAuth(deps),
      clientAddress: originSecret ? edgeClientAddress : lambdaClientAddress,
      bootstrapToken: adminToken.trim(),
      brandId: config.brandId,
      oidc: oidc ? openIdRelyingParty(oidc) : undefined,
    },
  });
  if (!originSecret) return http;
  return new Hono().use(originGuard([originSecret])).route('/', http);
}

/**
 * The media library in AWS: the private bucket named by MEDIA_BUCKET. Until the stack sets it,
 * the rest of the app still serves, and only the library refuses, naming the variable.
 */
function awsMediaStore(bucket: string | undefined, region: string, index: DynamoMediaIndex): MediaStore {
  if (bucket) return new S3MediaStore(new S3Client({ region }), bucket, index);
  logger.warn('MEDIA_BUCKET is not set: the media library is unavailable');
  const missing = async (): Promise<never> => {
    throw new Error('MEDIA_BUCKET is not set: the media library needs the private S3 bucket of the stack');
  };
  return { putMedia: missing, getMedia: missing, readMedia: missing, listMedia: missing };
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
  /** `addressPepper`: see DynamoStore (absent in tests: a fixed, public one). */
  secrets: { adminToken: string; tokenKeys: TokenKeyRing; addressPepper?: string },
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
    /** The media library's folder; `$DATA_DIR/media` when absent. */
    mediaDir?: string;
    /** Who is asking, for the sign-in and sign-up limits; the socket's address when absent (tests play several clients). */
    clientAddress?: ClientAddress;
    /** OIDC sign-in; `config.oidc` (OIDC_* variables) when absent. */
    oidc?: OidcConfig;
  } = {},
): LocalWiring {
  const built = buildStoreAndMailer(config, secrets.addressPepper);
  const { dynamo, ses, store } = built;
  const mailer = options.wrapMailer ? options.wrapMailer(built.mailer) : built.mailer;
  const pacer = new SendPacer(options.sendRate ?? config.sesMaxSendRate ?? 14);
  const queue: InProcessQueue = new InProcessQueue({
    handler: (message, delivery) => handleSendMessage(deps, message, delivery),
    concurrency: options.concurrency ?? 4,
    duplicateRate: options.duplicateDeliveries,
    onError:
      options.onQueueError ??
      ((e, m, n) =>
        logger.warn('send message failed, will retry', {
          error: e as Error,
          campaignId: 'campaignId' in m ? m.campaignId : undefined,
          receiveCount: n,
        })),
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
    deadLetters: new InProcessDeadLetters(queue),
    scheduler: tableScheduler,
    newId: randomUUID,
    compileRelease: renderer.compileRelease,
    renderWebPage: renderer.renderWebPage,
    users: new DynamoUserStore(dynamo, config.tableName),
    media: new FileMediaStore(options.mediaDir ?? join((config as Partial<LocalConfig>).dataDir ?? '.data', 'media')),
    importFiles: new FileImportFiles(join((config as Partial<LocalConfig>).dataDir ?? '.data', 'imports')),
    // The in-process queue runs the wizard's `import` messages too (in AWS: see handlers/import.ts).
    runImport: async (jobId, actor) => {
      await runImportJob(deps, jobId, actor);
    },
  };
  const localOidc = options.oidc ?? (config as Partial<LocalConfig>).oidc;
  const http = buildHttpApp(deps, {
    adminToken: secrets.adminToken,
    health: async () => ({
      database: await store.ping().catch(() => false),
      mailer: await mailer.ping(),
    }),
    logError: (e) => logger.error('unhandled error', { error: e as Error }),
    workspace: {
      auth: sessionAuth(deps),
      clientAddress: options.clientAddress,
      brandId: config.brandId,
      oidc: localOidc ? openIdRelyingParty(localOidc) : undefined,
    },
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

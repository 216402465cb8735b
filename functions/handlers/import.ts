import { randomUUID } from 'node:crypto';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { runImportJob } from '../app/run-import-job';
import { parseSendMessage } from '../app/send-message-codec';
import { loadAwsConfig } from '../config';
import { awsImportDeps } from '../import-wiring';
import { awsBaseDeps, logger } from '../worker-wiring';

/**
 * The import worker: consumes IMPORT_QUEUE_URL (one `import` message per wizard run) and runs
 * the job (runImportJob: the file from `imports/` of the bucket, the contacts written, progress
 * and report on the job). Its own function, so the send worker's bundle keeps no CSV reader;
 * its timeout must cover the largest file (the 50,000-row bench: see docs/benchmarks.md).
 */
const config = loadAwsConfig(process.env);
const deps = {
  ...(await awsBaseDeps(config, new SecretsManagerClient({ region: config.region }))),
  ...awsImportDeps(process.env, config.region),
  newId: randomUUID,
};
const processor = new BatchProcessor(EventType.SQS);

const recordHandler = async (record: SQSRecord) => {
  const message = parseSendMessage(record.body);
  if (message.type !== 'import') throw new Error(`import worker got a ${message.type} message`);
  logger.appendKeys({ importJobId: message.jobId });
  const job = await runImportJob(deps, message.jobId, message.actor);
  logger.info('import job settled', { status: job?.status, rows: job?.result?.rows });
};

export const handler = (event: SQSEvent, context: Context) => processPartialResponse(event, recordHandler, processor, { context });

import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { S3ImportFiles } from './adapters/s3/s3-import-files';
import { SqsSendQueue } from './adapters/sqs/sqs-send-queue';
import type { AppDeps } from './app/deps';
import { logger } from './worker-wiring';

/**
 * The import wizard in AWS: its files under `imports/` of the media bucket (direct uploads by
 * presigned POST), its `import` messages on IMPORT_QUEUE_URL, consumed by handlers/import.ts
 * (the send worker, which consumes the control queue, does not carry the CSV reader).
 */
export function awsImportDeps(env: NodeJS.ProcessEnv, region: string): Pick<AppDeps, 'importFiles' | 'importQueue'> {
  const bucket = env.IMPORT_BUCKET ?? env.MEDIA_BUCKET;
  if (!env.IMPORT_QUEUE_URL)
    logger.warn('IMPORT_QUEUE_URL is not set: import messages go to the control queue, whose worker cannot run them');
  return {
    ...(bucket ? { importFiles: new S3ImportFiles(new S3Client({ region }), bucket) } : {}),
    ...(env.IMPORT_QUEUE_URL ? { importQueue: new SqsSendQueue(new SQSClient({ region }), env.IMPORT_QUEUE_URL) } : {}),
  };
}

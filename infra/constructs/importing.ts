import { Duration } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantStoreAccess } from './data';
import { CommuniqueFunction, RUNTIME_AWS_SDK_MODULES } from './function-defaults';
import { grantGetSecretValue } from './grants';
import { IMPORT_PREFIX } from './media';
import { acknowledgeWildcardResource } from './nag-acknowledgements';

export interface ImportConstructProps {
  readonly table: dynamodb.ITable;
  /** The bucket holding `imports/` (the media bucket: functions/adapters/s3/s3-import-files.ts). */
  readonly bucket: s3.IBucket;
  /** The link key ring (confirmation links of double opt-in lists, the address pepper). */
  readonly tokenKeysSecret: secretsmanager.ISecret;
  readonly publicBaseUrl: string;
  /** Required by loadAwsConfig; the import worker never sends to it (no grant). */
  readonly sendQueue: sqs.IQueue;
  readonly configurationSetName: string;
  /** Lets the import function send confirmation mails (SendingConstruct.grantSendMail). */
  readonly grantSendMail: (fn: lambda.IFunction) => void;
  readonly tracing?: boolean;
}

/**
 * Long enough for the largest file the wizard takes (10 MiB, about 100,000 rows): the 50,000-row
 * bench runs in under a minute on a shared laptop (docs/benchmarks.md), and Lambda allows 15.
 */
export const IMPORT_TIMEOUT = Duration.minutes(10);
/** Redeliveries before the dead-letter queue: runImportJob never throws, so only a crash or a timeout counts. */
const IMPORT_MAX_RECEIVES = 3;
/** Concurrent imports (the minimum an SQS event source accepts): each writes its rows as fast as DynamoDB takes them. */
const IMPORT_WORKERS = 2;

/**
 * The import wizard's worker: the `import` messages the run step queues (functions/app/run-import-job.ts)
 * on their own queue, consumed one at a time by functions/handlers/import.ts, which reads the CSV
 * from `imports/` of the bucket, writes the contacts and the report. Apart from the send worker so
 * that its bundle keeps no CSV reader and its timeout covers a whole file.
 */
export class ImportConstruct extends Construct {
  public readonly queue: sqs.Queue;
  public readonly deadLetterQueue: sqs.Queue;
  public readonly importFunction: CommuniqueFunction;

  constructor(scope: Construct, id: string, props: ImportConstructProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      // AWS's rule for Lambda consumers: at least six times the function timeout.
      visibilityTimeout: Duration.seconds(6 * IMPORT_TIMEOUT.toSeconds()),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: IMPORT_MAX_RECEIVES },
    });

    this.importFunction = new CommuniqueFunction(this, 'ImportFunction', {
      entry: 'functions/handlers/import.ts',
      description: 'Communiqué import worker: one wizard import per SQS message',
      timeout: IMPORT_TIMEOUT,
      // The 50,000-row bench peaks at 370 MB; Lambda CPU grows with memory.
      memorySize: 1024,
      tracing: props.tracing,
      // S3ImportFiles imports @aws-sdk/s3-presigned-post, which the runtime does not ship: bundled.
      externalModules: RUNTIME_AWS_SDK_MODULES,
      environment: {
        TABLE_NAME: props.table.tableName,
        SEND_QUEUE_URL: props.sendQueue.queueUrl,
        PUBLIC_BASE_URL: props.publicBaseUrl,
        TOKEN_KEYS_SECRET_ARN: props.tokenKeysSecret.secretArn,
        SES_CONFIGURATION_SET: props.configurationSetName,
        IMPORT_BUCKET: props.bucket.bucketName,
        // awsImportDeps warns without it; this worker never queues an import (no SendMessage).
        IMPORT_QUEUE_URL: this.queue.queueUrl,
      },
    });
    this.importFunction.addEventSource(
      new SqsEventSource(this.queue, { batchSize: 1, reportBatchItemFailures: true, maxConcurrency: IMPORT_WORKERS }),
    );

    // importContacts writes members, counters and the audit through the store, as the send worker does.
    grantStoreAccess(props.table, this.importFunction);
    grantGetSecretValue(props.tokenKeysSecret, this.importFunction);
    // Confirmation mails on double opt-in lists.
    props.grantSendMail(this.importFunction);
    this.grantImportFiles(this.importFunction, props.bucket, 'the job’s file read, its rejected and settled rows written');
  }

  /**
   * `IMPORT_QUEUE_URL` and SendMessage on the import queue, GetObject/PutObject on `imports/*`
   * (the api function: the presigned POST is signed with its role, so it must hold PutObject).
   */
  public grantLaunch(fn: lambda.Function, bucket: s3.IBucket): void {
    fn.addEnvironment('IMPORT_QUEUE_URL', this.queue.queueUrl);
    this.queue.grant(fn, 'sqs:SendMessage');
    this.grantImportFiles(fn, bucket, 'the upload read back, the job’s file written, the reports read; the browser’s POST signed');
  }

  private grantImportFiles(fn: lambda.Function, bucket: s3.IBucket, why: string): void {
    const objects = bucket.arnForObjects(`${IMPORT_PREFIX}*`);
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'ImportFiles', actions: ['s3:GetObject', 's3:PutObject'], resources: [objects] }));
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        objects,
        `Import files are keyed imports/<jobId>… at run time (${why}): the prefix is the narrowest ARN.`,
      );
    }
  }
}

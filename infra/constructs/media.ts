import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeRule, acknowledgeWildcardResource } from './nag-acknowledgements';

/** Key prefix of the media objects (functions/adapters/s3/s3-media-store.ts mediaObjectKey). */
export const MEDIA_PREFIX = 'media/';

/** Key prefix of the import wizard's files (functions/adapters/s3/s3-import-files.ts): CSVs and reports, personal data. */
export const IMPORT_PREFIX = 'imports/';

/**
 * The import wizard's files are kept no longer than their use: a direct upload (`imports/incoming/`)
 * a day (the wizard copies it to the job's file at once), a job's file and report 30 days, and
 * the versions the bucket keeps of them a day.
 */
const importLifecycleRules: s3.LifecycleRule[] = [
  { id: 'ImportUploads', prefix: `${IMPORT_PREFIX}incoming/`, expiration: Duration.days(1), noncurrentVersionExpiration: Duration.days(1) },
  { id: 'ImportFiles', prefix: IMPORT_PREFIX, expiration: Duration.days(30), noncurrentVersionExpiration: Duration.days(1) },
];

/**
 * A direct media upload (`media/incoming/<id>/`, presigned POST from /mediatheque) is copied to
 * its file's key once checked, or refused: either way it is not needed after a day.
 */
const mediaUploadLifecycleRule: s3.LifecycleRule = {
  id: 'MediaUploads',
  prefix: `${MEDIA_PREFIX}incoming/`,
  expiration: Duration.days(1),
  noncurrentVersionExpiration: Duration.days(1),
};

/**
 * The media library's private bucket: images and documents uploaded in the workspace, served by
 * the app at `/media/<id>/<filename>` (behind CloudFront), never publicly by S3.
 */
export class MediaConstruct extends Construct {
  public readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // An overwritten or deleted file (linked from mails already sent) can be recovered.
      versioned: true,
      // Mails already sent link to these files.
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [...importLifecycleRules, mediaUploadLifecycleRule],
    });
    acknowledgeRule(
      this.bucket,
      'S1',
      'Private bucket read and written only by the api function (its own logs record each upload with the author, the audit log too); server access logs would need a second bucket for no new information.',
    );
  }

  /**
   * `MEDIA_BUCKET`, and GetObject/PutObject on the media objects only (the calls S3MediaStore makes;
   * its CopyObject of a direct upload, media/incoming/ to media/<id>/, needs exactly these two).
   */
  public grantReadWrite(fn: lambda.Function): void {
    fn.addEnvironment('MEDIA_BUCKET', this.bucket.bucketName);
    const objects = this.bucket.arnForObjects(`${MEDIA_PREFIX}*`);
    fn.addToRolePolicy(new iam.PolicyStatement({ sid: 'MediaObjects', actions: ['s3:GetObject', 's3:PutObject'], resources: [objects] }));
    if (fn.role) {
      acknowledgeWildcardResource(
        fn.role,
        objects,
        'One object per uploaded file, keyed media/<id>/<filename> at run time: the prefix is the narrowest ARN.',
      );
    }
  }
}

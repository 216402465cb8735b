import { GetObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import type { RejectedRow } from '../../app/import-contacts';
import { type DirectUpload, type ImportFileStore, isImportJobId, type SettledRow, type UploadedImport } from '../../app/import-files';

/** The form field S3 keeps as the object's `x-amz-meta-liste`: the list chosen in the upload form. */
export const UPLOAD_LIST_FIELD = 'x-amz-meta-liste';
const PREFIX = 'imports/';
const incomingPrefix = (jobId: string) => `${PREFIX}incoming/${jobId}/`;
/** How long the upload form may wait before its policy expires. */
const UPLOAD_EXPIRES_SECONDS = 15 * 60;

/**
 * Import files in AWS: a private prefix of the media bucket (`imports/`, never served: the CSV
 * holds personal data; the stack expires it, see the report). The browser sends the CSV straight
 * to S3 through a presigned POST (a plain form, no JavaScript), so a large file never goes
 * through API Gateway and its 29 s limit; S3 then redirects the browser back to the wizard,
 * which reads the upload, keeps it as `imports/<jobId>.csv` for the worker and opens the job.
 * The incoming copy is left to the bucket's lifecycle rule on `imports/incoming/` (no
 * DeleteObject in the api's role).
 */
export class S3ImportFiles implements ImportFileStore {
  constructor(
    private readonly s3: S3Client,
    private readonly bucket: string,
  ) {}

  private key(jobId: string, suffix: string): string {
    if (!isImportJobId(jobId)) throw new Error(`invalid import job id: ${jobId}`);
    return `${PREFIX}${jobId}${suffix}`;
  }

  private async put(key: string, body: Uint8Array | string, contentType: string): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, ContentType: contentType, ServerSideEncryption: 'AES256' }),
    );
  }

  private async get(key: string): Promise<{ bytes: Uint8Array; metadata: Record<string, string> } | undefined> {
    try {
      const out = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      if (!out.Body) return undefined;
      return { bytes: await out.Body.transformToByteArray(), metadata: out.Metadata ?? {} };
    } catch (e: unknown) {
      if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchKey') return undefined;
      throw e;
    }
  }

  async putFile(jobId: string, bytes: Uint8Array): Promise<void> {
    await this.put(this.key(jobId, '.csv'), bytes, 'text/csv');
  }
  async readFile(jobId: string): Promise<Uint8Array | undefined> {
    return (await this.get(this.key(jobId, '.csv')))?.bytes;
  }
  async putRejected(jobId: string, rejected: readonly RejectedRow[]): Promise<void> {
    await this.put(this.key(jobId, '.rejected.json'), JSON.stringify(rejected), 'application/json');
  }
  async readRejected(jobId: string): Promise<RejectedRow[] | undefined> {
    const got = await this.get(this.key(jobId, '.rejected.json'));
    return got ? (JSON.parse(new TextDecoder().decode(got.bytes)) as RejectedRow[]) : undefined;
  }
  async putSettled(jobId: string, rows: readonly SettledRow[]): Promise<void> {
    await this.put(this.key(jobId, '.settled.json'), JSON.stringify(rows), 'application/json');
  }
  async readSettled(jobId: string): Promise<SettledRow[] | undefined> {
    const got = await this.get(this.key(jobId, '.settled.json'));
    return got ? (JSON.parse(new TextDecoder().decode(got.bytes)) as SettledRow[]) : undefined;
  }

  /**
   * A form the browser posts to S3: the file under `imports/incoming/<jobId>/<its name>` (S3
   * puts the name in `${filename}`), the list in `x-amz-meta-liste`, between 1 byte and
   * `maxBytes`, then S3 answers 303 to `redirectUrl` with `?bucket=…&key=…&etag=…`.
   */
  async presignUpload(jobId: string, options: { redirectUrl: string; maxBytes: number }): Promise<DirectUpload> {
    if (!isImportJobId(jobId)) throw new Error(`invalid import job id: ${jobId}`);
    const { url, fields } = await createPresignedPost(this.s3, {
      Bucket: this.bucket,
      Key: `${incomingPrefix(jobId)}\${filename}`,
      Conditions: [
        ['starts-with', '$key', incomingPrefix(jobId)],
        ['content-length-range', 1, options.maxBytes],
        ['starts-with', `$${UPLOAD_LIST_FIELD}`, ''],
        ['eq', '$success_action_redirect', options.redirectUrl],
        ['eq', '$x-amz-server-side-encryption', 'AES256'],
      ],
      Fields: { success_action_redirect: options.redirectUrl, 'x-amz-server-side-encryption': 'AES256' },
      Expires: UPLOAD_EXPIRES_SECONDS,
    });
    return { url, fields, listField: UPLOAD_LIST_FIELD };
  }

  /** The file S3 received for this job (its key as S3's redirect gives it), with the chosen list; undefined when absent. */
  async readUpload(jobId: string, key: string): Promise<UploadedImport | undefined> {
    if (!isImportJobId(jobId) || !key.startsWith(incomingPrefix(jobId))) return undefined;
    const filename = key.slice(incomingPrefix(jobId).length);
    if (!filename || filename.includes('/')) return undefined;
    const got = await this.get(key);
    if (!got) return undefined;
    return { bytes: got.bytes, filename, listId: got.metadata.liste ?? '' };
  }
}

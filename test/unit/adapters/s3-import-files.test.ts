import { GetObjectCommand, NoSuchKey, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { S3ImportFiles } from '../../../functions/adapters/s3/s3-import-files';
import { createList } from '../../../functions/app/manage-audience';
import { workspaceHarness } from '../../support/workspace-harness';

/** S3 mocked with aws-sdk-client-mock: there is no S3 emulator here. */
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const client = () => new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const body = (text: string) => ({ transformToByteArray: async () => new TextEncoder().encode(text) }) as never;
const csv = 'email;nom\nanne.roy@example.org;Anne Roy\nmarc.lenoir@example.org;Marc Lenoir\n';

describe('S3 import files', () => {
  it('keeps the job’s file and report under imports/, encrypted, and reads them back; a missing object is undefined', async () => {
    // prepare
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand, { Key: 'imports/job-1.csv' }).resolves({ Body: body(csv) });
    s3.on(GetObjectCommand, { Key: 'imports/job-1.rejected.json' }).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    const files = new S3ImportFiles(client(), 'media-bucket');

    // act
    await files.putFile('job-1', new TextEncoder().encode(csv));
    const read = await files.readFile('job-1');
    const rejected = await files.readRejected('job-1');

    // assess
    expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toMatchObject({
      Bucket: 'media-bucket',
      Key: 'imports/job-1.csv',
      ServerSideEncryption: 'AES256',
    });
    expect(new TextDecoder().decode(read)).toBe(csv);
    expect(rejected).toBeUndefined();
    await expect(files.readFile('../media/x')).rejects.toThrow('invalid import job id');
  });

  it('presigns a POST form bound to the job’s incoming prefix, the size limit, the list field and the redirect', async () => {
    // prepare
    const files = new S3ImportFiles(client(), 'media-bucket');

    // act
    const direct = await files.presignUpload('job-2', {
      redirectUrl: 'https://communique.example.org/audience/import/televerse/job-2',
      maxBytes: 1000,
    });

    // assess
    expect(direct.url).toContain('media-bucket');
    expect(direct.listField).toBe('x-amz-meta-liste');
    expect(direct.fields).toMatchObject({
      // S3's own placeholder, not a template.
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3 substitutes ${filename} itself
      key: 'imports/incoming/job-2/${filename}',
      success_action_redirect: 'https://communique.example.org/audience/import/televerse/job-2',
      'x-amz-server-side-encryption': 'AES256',
    });
    const policy = JSON.parse(Buffer.from(direct.fields.Policy ?? '', 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['starts-with', '$key', 'imports/incoming/job-2/'],
        ['content-length-range', 1, 1000],
        ['starts-with', '$x-amz-meta-liste', ''],
        ['eq', '$success_action_redirect', 'https://communique.example.org/audience/import/televerse/job-2'],
      ]),
    );
  });

  it('reads an upload only under its own job’s prefix, with the list from its metadata', async () => {
    // prepare
    s3.on(GetObjectCommand, { Key: 'imports/incoming/job-3/presse.csv' }).resolves({ Body: body(csv), Metadata: { liste: 'list-9' } });
    const files = new S3ImportFiles(client(), 'media-bucket');

    // act
    const upload = await files.readUpload('job-3', 'imports/incoming/job-3/presse.csv');
    const elsewhere = await files.readUpload('job-3', 'imports/incoming/job-4/presse.csv');
    const nested = await files.readUpload('job-3', 'imports/incoming/job-3/a/presse.csv');

    // assess
    expect(upload).toMatchObject({ filename: 'presse.csv', listId: 'list-9' });
    expect(new TextDecoder().decode(upload?.bytes)).toBe(csv);
    expect([elsewhere, nested]).toEqual([undefined, undefined]);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });
});

describe('import wizard with direct uploads (AWS)', () => {
  it('shows a form posting to S3 without a CSRF field, then opens the job once when S3 sends the browser back', async () => {
    // prepare
    s3.on(PutObjectCommand).resolves({});
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));
    const files = new S3ImportFiles(client(), 'media-bucket');
    const h = await workspaceHarness({ importFiles: files });
    const pub = h.as('publisher');
    const list = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });

    // act
    const upload = await pub.get('/audience/import');
    const page = await upload.text();
    const form = /<form[^>]*amazonaws[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
    const jobId = /imports\/incoming\/([^/]+)\//.exec(form)?.[1] ?? '';
    const key = `imports/incoming/${jobId}/presse.csv`;
    s3.on(GetObjectCommand, { Key: key }).resolves({ Body: body(csv), Metadata: { liste: list.id } });
    const back = await pub.get(`/audience/import/televerse/${jobId}?bucket=media-bucket&key=${encodeURIComponent(key)}&etag=x`);
    const again = await pub.get(`/audience/import/televerse/${jobId}?bucket=media-bucket&key=${encodeURIComponent(key)}&etag=x`);
    const missing = await pub.get('/audience/import/televerse/other-job?key=imports%2Fincoming%2Fother-job%2Fa.csv');

    // assess
    expect(form).toContain('action="https://media-bucket.s3.eu-west-3.amazonaws.com/"');
    // a browser posts the form to S3 only if the page's CSP lets it
    expect(upload.headers.get('content-security-policy')).toContain("form-action 'self' https://media-bucket.s3.eu-west-3.amazonaws.com");
    expect(form).toContain('name="x-amz-meta-liste"');
    expect(form).not.toContain('name="_csrf"');
    expect(form.indexOf('name="file"')).toBeGreaterThan(form.indexOf('name="Policy"'));
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe(`/audience/import/${jobId}`);
    expect(again.headers.get('location')).toBe(`/audience/import/${jobId}`);
    expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([`imports/${jobId}.csv`]);
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain('Le fichier n’est pas arrivé : choisissez-le à nouveau.');
  });
});

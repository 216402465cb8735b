import { CopyObjectCommand, GetObjectCommand, NoSuchKey, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoMediaIndex } from '../../functions/adapters/dynamodb/media-store';
import { decodeMetadataValue, S3MediaStore } from '../../functions/adapters/s3/s3-media-store';
import { freshTable } from '../support/emulator-context';
import { pngBytes, textBytes } from '../support/media-samples';
import { workspaceHarness } from '../support/workspace-harness';

/** S3 mocked with aws-sdk-client-mock (there is no S3 emulator here); the media index on DynamoDB Local. */
const s3 = mockClient(S3Client);
afterEach(() => s3.reset());

const client = () => new S3Client({ region: 'eu-west-3', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' } });
const body = (bytes: Uint8Array) => ({ transformToByteArray: async () => bytes }) as never;
/** Above Lambda's 6 MB request limit, under the library's 10 MiB. */
const SEVEN_MB = 7 * 1024 * 1024;

async function s3Store() {
  const { client: dynamo, tableName } = await freshTable('media-direct');
  return new S3MediaStore(client(), 'media-bucket', new DynamoMediaIndex(dynamo, tableName));
}

/** The direct form of /mediatheque as this harness's editor sees it, and the media id its policy binds. */
async function directForm(h: Awaited<ReturnType<typeof workspaceHarness>>) {
  const res = await h.as('editor').get('/mediatheque');
  const page = await res.text();
  const form = /<form[^>]*amazonaws[\s\S]*?<\/form>/.exec(page)?.[0] ?? '';
  const id = /media\/incoming\/([^/]+)\//.exec(form)?.[1] ?? '';
  return { form, id, csp: res.headers.get('content-security-policy') ?? '' };
}

describe('direct media uploads to S3 (AWS)', () => {
  it('presigns a POST bound to the id’s incoming prefix, 1 B-10 MiB, the alt/credit metadata, encryption and the redirect', async () => {
    // prepare
    const store = await s3Store();
    const redirectUrl = 'https://communique.example.org/mediatheque/televerse/20260306t090000-abcd';

    // act
    const direct = await store.presignMediaUpload('20260306t090000-abcd', { redirectUrl, maxBytes: 10 * 1024 * 1024 });

    // assess
    expect(direct.url).toBe('https://media-bucket.s3.eu-west-3.amazonaws.com/');
    expect([direct.altField, direct.creditField]).toEqual(['x-amz-meta-alt', 'x-amz-meta-credit']);
    expect(direct.fields).toMatchObject({
      // biome-ignore lint/suspicious/noTemplateCurlyInString: S3 substitutes ${filename} itself
      key: 'media/incoming/20260306t090000-abcd/${filename}',
      success_action_redirect: redirectUrl,
      'x-amz-server-side-encryption': 'AES256',
    });
    const policy = JSON.parse(Buffer.from(direct.fields.Policy ?? '', 'base64').toString('utf8')) as { conditions: unknown[] };
    expect(policy.conditions).toEqual(
      expect.arrayContaining([
        ['starts-with', '$key', 'media/incoming/20260306t090000-abcd/'],
        ['content-length-range', 1, 10 * 1024 * 1024],
        ['starts-with', '$x-amz-meta-alt', ''],
        ['starts-with', '$x-amz-meta-credit', ''],
        ['eq', '$success_action_redirect', redirectUrl],
        ['eq', '$x-amz-server-side-encryption', 'AES256'],
      ]),
    );
    await expect(store.presignMediaUpload('../imports', { redirectUrl, maxBytes: 1 })).rejects.toThrow('invalid media id');
  });

  it('shows /mediatheque’s form posting to S3 (allowed by the CSP’s form-action): policy fields, alt/credit as metadata, no CSRF field, the file last', async () => {
    // prepare
    const h = await workspaceHarness({ media: await s3Store() });

    // act
    const { form, id, csp } = await directForm(h);

    // assess
    expect(csp).toContain("form-action 'self' https://media-bucket.s3.eu-west-3.amazonaws.com;");
    expect(form).toContain('action="https://media-bucket.s3.eu-west-3.amazonaws.com/"');
    expect(form).toContain(`value="https://communique.example.org/mediatheque/televerse/${id}"`);
    expect(form).toContain('name="x-amz-meta-alt"');
    expect(form).toContain('name="x-amz-meta-credit"');
    expect(form).toContain('id="champ-alt"');
    expect(form).not.toContain('name="_csrf"');
    expect(form.indexOf('name="file"')).toBeGreaterThan(form.indexOf('name="Policy"'));
    expect(form.indexOf('name="file"')).toBeGreaterThan(form.indexOf('name="x-amz-meta-credit"'));
  });

  it('registers a 7 MB image S3 sends back: type from its first 32 bytes, copied to its key, listed, audited, once only', async () => {
    // prepare
    const store = await s3Store();
    const h = await workspaceHarness({ media: store });
    const ed = h.as('editor');
    const { id } = await directForm(h);
    const key = `media/incoming/${id}/Affiche festival été.png`;
    s3.on(GetObjectCommand, { Key: key }).resolves({
      Body: body(pngBytes.slice(0, 32)),
      ContentRange: `bytes 0-31/${SEVEN_MB}`,
      // S3 returns non-ASCII metadata RFC 2047-encoded.
      Metadata: { alt: `=?UTF-8?B?${Buffer.from('Affiche du festival d’été').toString('base64')}?=`, credit: '© CD41' },
    });
    s3.on(CopyObjectCommand).resolves({});
    const back = `/mediatheque/televerse/${id}?bucket=media-bucket&key=${encodeURIComponent(key)}&etag=%22x%22`;

    // act
    const res = await ed.get(back);
    const again = await ed.get(back);

    // assess
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/mediatheque');
    expect(again.headers.get('location')).toBe('/mediatheque');
    expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({ Key: key, Range: 'bytes=0-31' });
    const copies = s3.commandCalls(CopyObjectCommand).map((c) => c.args[0].input);
    expect(copies).toEqual([
      expect.objectContaining({
        Bucket: 'media-bucket',
        Key: `media/${id}/affiche-festival-ete.png`,
        CopySource: `media-bucket/media/incoming/${id}/Affiche%20festival%20%C3%A9t%C3%A9.png`,
        ContentType: 'image/png',
        MetadataDirective: 'REPLACE',
        ServerSideEncryption: 'AES256',
      }),
    ]);
    expect(await store.getMedia(id)).toMatchObject({
      filename: 'affiche-festival-ete.png',
      contentType: 'image/png',
      size: SEVEN_MB,
      alt: 'Affiche du festival d’été',
      credit: '© CD41',
      uploadedBy: { id: ed.user.id, name: ed.user.name },
    });
    const audit = await h.store.listAudit(h.clock.now().toISOString().slice(0, 7));
    expect(audit.filter((e) => e.action === 'media.uploaded')).toEqual([
      expect.objectContaining({ entityId: id, actorName: ed.user.name, detail: 'affiche-festival-ete.png (image/png, 7 Mo)' }),
    ]);
  });

  it('refuses a text file (by its first bytes, whatever its name) with a French message, and registers nothing', async () => {
    // prepare
    const store = await s3Store();
    const h = await workspaceHarness({ media: store });
    const { id } = await directForm(h);
    const key = `media/incoming/${id}/photo.jpg`;
    s3.on(GetObjectCommand, { Key: key }).resolves({
      Body: body(textBytes.slice(0, 32)),
      ContentRange: `bytes 0-${Math.min(32, textBytes.length) - 1}/${textBytes.length}`,
      Metadata: { alt: 'Photo' },
    });

    // act
    const res = await h.as('editor').get(`/mediatheque/televerse/${id}?bucket=media-bucket&key=${encodeURIComponent(key)}`);

    // assess
    expect(res.status).toBe(400);
    const page = await res.text();
    expect(page).toContain('Type de fichier refusé');
    expect(page).toContain('href="#champ-file"');
    expect(page).toContain('action="https://media-bucket.s3.eu-west-3.amazonaws.com/"');
    expect(s3.commandCalls(CopyObjectCommand)).toHaveLength(0);
    expect(await store.getMedia(id)).toBeUndefined();
    expect((await h.store.listAudit(h.clock.now().toISOString().slice(0, 7))).filter((e) => e.entity === 'media')).toEqual([]);
  });

  it('refuses a key outside the id’s incoming prefix or an upload that is not there, and a reader may not register', async () => {
    // prepare
    const h = await workspaceHarness({ media: await s3Store() });
    const { id } = await directForm(h);
    s3.on(GetObjectCommand).rejects(new NoSuchKey({ message: 'gone', $metadata: {} }));

    // act
    const elsewhere = await h
      .as('editor')
      .get(`/mediatheque/televerse/${id}?key=${encodeURIComponent('media/incoming/autre-id-1234/a.png')}`);
    const missing = await h.as('editor').get(`/mediatheque/televerse/${id}?key=${encodeURIComponent(`media/incoming/${id}/a.png`)}`);
    const reviewer = await h.as('reviewer').get(`/mediatheque/televerse/${id}?key=${encodeURIComponent(`media/incoming/${id}/a.png`)}`);

    // assess
    expect(elsewhere.status).toBe(400);
    expect(await elsewhere.text()).toContain('Le fichier n’est pas arrivé : choisissez-le à nouveau.');
    expect(missing.status).toBe(400);
    expect(reviewer.status).toBe(403);
    expect(s3.commandCalls(GetObjectCommand)).toHaveLength(1);
  });

  it('keeps the local multipart form (with its CSRF field) and form-action ’self’ alone when the store takes no direct uploads', async () => {
    // prepare
    const h = await workspaceHarness();

    // act
    const res = await h.as('editor').get('/mediatheque');

    // assess
    expect(res.headers.get('content-security-policy')).toContain("form-action 'self';");
    const page = await res.text();
    expect(page).toContain('action="/mediatheque"');
    expect(page).toContain('name="_csrf"');
    expect(page).not.toContain('amazonaws');
  });

  it('decodes RFC 2047 metadata values (B and Q) and keeps plain ones', () => {
    expect(decodeMetadataValue('=?UTF-8?Q?=C3=A9t=C3=A9_au_port?=')).toBe('été au port');
    expect(decodeMetadataValue('Plain text')).toBe('Plain text');
    expect(decodeMetadataValue(undefined)).toBeUndefined();
  });
});

import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppDeps } from '../app/deps';
import { uploadMedia } from '../app/upload-media';
import { ValidationError } from '../domain/errors';
import { formatBytes, isMediaFilename, isMediaId, MEDIA_MAX_BYTES, MediaTooLargeError, type MediaUpload } from '../domain/media';
import type { ApiEnv } from './api-env';
import { ErrorSchema } from './api-schemas';

/** Room for the form's other fields and multipart boundaries around the largest file. */
export const MEDIA_MAX_BODY_BYTES = MEDIA_MAX_BYTES + 256 * 1024;

export const mediaTooLargeMessage = `Fichier trop volumineux : la médiathèque accepte au plus ${formatBytes(MEDIA_MAX_BYTES)} par fichier. Rien n’a été enregistré.`;

/**
 * The upload a multipart form carries: `file`, and `alt` / `credit` beside it. The browser's
 * content type and the file name are not trusted: the type is read from the bytes.
 */
export async function multipartUpload(form: Record<string, unknown>): Promise<MediaUpload> {
  const file = form.file;
  if (!(file instanceof File)) throw new ValidationError('Aucun fichier reçu : choisissez un fichier à envoyer (champ « file »).', 'file');
  if (file.size > MEDIA_MAX_BYTES) throw new MediaTooLargeError(file.size);
  const text = (name: string) => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  return {
    bytes: new Uint8Array(await file.arrayBuffer()),
    originalName: file.name || 'fichier',
    alt: text('alt'),
    credit: text('credit'),
  };
}

const MediaSchema = z
  .object({
    id: z.string(),
    url: z.string().openapi({ description: 'Adresse publique du fichier (celle des courriels et des pages)' }),
    contentType: z.string().openapi({ description: 'Type lu dans le contenu du fichier' }),
    size: z.number().int(),
    alt: z.string().optional(),
  })
  .openapi('Media');

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });

/** `POST /api/media`: the same upload as the workspace's library, for the API and the CLI. */
export function mediaApiRoutes(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>();
  api.use(
    '/media',
    bodyLimit({
      maxSize: MEDIA_MAX_BODY_BYTES,
      onError: (c) => c.json({ error: 'too_large', message: mediaTooLargeMessage }, 413),
    }),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/media',
      tags: ['media'],
      summary: 'Ajoute une image ou un PDF à la médiathèque',
      description:
        'Formulaire multipart : `file` (JPEG, PNG, WebP, GIF ou PDF, 10 Mo au plus ; le type est lu dans le contenu), `alt` (obligatoire pour une image), `credit` (facultatif).',
      request: {
        body: {
          content: {
            'multipart/form-data': {
              schema: z.object({
                file: z.any().optional().openapi({ type: 'string', format: 'binary', description: 'Le fichier (obligatoire)' }),
                alt: z.string().optional(),
                credit: z.string().optional(),
              }),
            },
          },
          required: true,
        },
      },
      responses: {
        201: json(MediaSchema, 'Fichier enregistré ; `url` le sert'),
        400: json(ErrorSchema, 'Fichier absent, vide, de type refusé, ou image sans texte alternatif'),
        401: json(ErrorSchema, 'Jeton d’administration absent ou invalide'),
        403: json(ErrorSchema, 'Rôle insuffisant (release:write)'),
        413: json(ErrorSchema, 'Fichier de plus de 10 Mo'),
      },
    }),
    async (c) => {
      const type = c.req.header('content-type') ?? '';
      if (!type.startsWith('multipart/form-data'))
        return c.json(
          { error: 'invalid', message: 'Envoyez un formulaire multipart/form-data avec le champ « file ».', field: 'file' },
          400,
        );
      try {
        const upload = await multipartUpload(await c.req.parseBody());
        const { item, url } = await uploadMedia(deps, c.get('actor'), upload);
        return c.json({ id: item.id, url, contentType: item.contentType, size: item.size, ...(item.alt ? { alt: item.alt } : {}) }, 201);
      } catch (e: unknown) {
        if (e instanceof MediaTooLargeError) return c.json({ error: 'too_large', message: e.message }, 413);
        throw e;
      }
    },
  );
  return api;
}

/**
 * Serves the library's files under the URLs mails use. The type is the one read at upload;
 * nosniff so no browser guesses otherwise; ids are never reused, so the answer may be cached
 * for good (CloudFront included).
 */
export function mediaFileRoutes(deps: AppDeps): Hono {
  const app = new Hono();
  app.get('/media/:id/:filename', async (c) => {
    const { id, filename } = c.req.param();
    const notFound = () =>
      c.text('Fichier introuvable.', 404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
    if (!isMediaId(id) || !isMediaFilename(filename)) return notFound();
    const item = await deps.media.getMedia(id);
    if (!item || item.filename !== filename) return notFound();
    const bytes = await deps.media.readMedia(id);
    if (!bytes) return notFound();
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'content-type': item.contentType,
      'content-length': String(bytes.length),
      'x-content-type-options': 'nosniff',
      'cache-control': 'public, max-age=31536000, immutable',
      'content-disposition': `inline; filename="${item.filename}"`,
      // A PDF opened in the browser runs no script of ours and may not frame anything.
      'content-security-policy': "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox",
    });
  });
  return app;
}

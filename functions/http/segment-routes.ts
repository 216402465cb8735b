import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { countAudience } from '../app/count-audience';
import type { AppDeps } from '../app/deps';
import { createSegment, deleteSegment, getSegment, listSegments, updateSegment } from '../app/manage-segments';
import { segmentFilterSchema, segmentInputSchema } from '../domain/segment';
import type { ApiEnv } from './api-env';
import { ErrorSchema, IdParam } from './api-schemas';
import { validationBody } from './error-responses';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const errors = {
  400: json(ErrorSchema, 'Requête invalide (le champ fautif est nommé)'),
  401: json(ErrorSchema, 'Jeton d’administration absent ou invalide'),
  404: json(ErrorSchema, 'Ressource introuvable'),
};

// The domain's plain zod schemas get no .openapi() (the extension may load after them): used as they are.
const SegmentFilterSchema = segmentFilterSchema;
const SegmentSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    filter: SegmentFilterSchema,
    createdAt: z.string(),
    updatedAt: z.string(),
    createdBy: z.string().optional(),
  })
  .openapi('Segment');
const SegmentInputSchema = segmentInputSchema;
const AudienceCountSchema = z
  .object({
    recipients: z.number().int().openapi({ description: 'Personnes distinctes qu’un envoi atteindrait maintenant' }),
    suppressed: z.number().int().openapi({ description: 'Confirmées mais laissées de côté : adresse bloquée' }),
    notConfirmed: z.number().int().openapi({ description: 'Laissées de côté : confirmées sur aucune des listes' }),
    outsideSegment: z.number().int().optional().openapi({ description: 'Avec un segment : confirmées mais hors segment' }),
    segment: z.object({ id: z.string(), name: z.string() }).optional(),
  })
  .openapi('AudienceCount');

/** Segments and the audience count, mounted under /api behind the token middleware (which sets the actor). */
export function segmentRoutes(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });
  const forbidden = (permission: string) => ({ 403: json(ErrorSchema, `Rôle insuffisant (${permission})`) });

  api.openapi(
    createRoute({
      method: 'post',
      path: '/segments',
      tags: ['audience'],
      request: { body: { content: { 'application/json': { schema: SegmentInputSchema } }, required: true } },
      responses: {
        201: json(SegmentSchema, 'Segment enregistré'),
        ...forbidden('audience:manage : publication, administration'),
        ...errors,
      },
    }),
    async (c) => c.json(await createSegment(deps, c.get('actor'), c.req.valid('json')), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/segments',
      tags: ['audience'],
      responses: {
        200: json(z.object({ items: z.array(SegmentSchema) }), 'Segments, par nom'),
        ...forbidden('audience:read ou campaign:send'),
        ...errors,
      },
    }),
    async (c) => c.json({ items: await listSegments(deps, c.get('actor')) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/segments/{id}',
      tags: ['audience'],
      request: { params: IdParam },
      responses: { 200: json(SegmentSchema, 'Le segment'), ...forbidden('audience:read ou campaign:send'), ...errors },
    }),
    async (c) => c.json(await getSegment(deps, c.get('actor'), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'put',
      path: '/segments/{id}',
      tags: ['audience'],
      request: { params: IdParam, body: { content: { 'application/json': { schema: SegmentInputSchema } }, required: true } },
      responses: {
        200: json(SegmentSchema, 'Segment remplacé (les campagnes déjà lancées gardent leur filtre)'),
        ...forbidden('audience:manage'),
        ...errors,
      },
    }),
    async (c) => c.json(await updateSegment(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/segments/{id}',
      tags: ['audience'],
      request: { params: IdParam },
      responses: { 204: { description: 'Segment supprimé' }, ...forbidden('audience:manage'), ...errors },
    }),
    async (c) => {
      await deleteSegment(deps, c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/audience',
      tags: ['campaigns'],
      request: {
        query: z.object({
          listIds: z
            .string({ error: 'listIds requis (identifiants de listes séparés par des virgules)' })
            .min(1, 'au moins une liste')
            .openapi({
              description: 'identifiants séparés par des virgules',
            }),
          segmentId: z.string().min(1).optional().openapi({ description: 'ne compter que les membres de ce segment' }),
        }),
      },
      responses: {
        200: json(AudienceCountSchema, 'Destinataires qu’un envoi atteindrait maintenant, et qui serait laissé de côté'),
        ...forbidden('audience:read ou campaign:send'),
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const listIds = q.listIds
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
      return c.json(await countAudience(deps, c.get('actor'), { listIds, segmentId: q.segmentId }), 200);
    },
  );
  return api;
}

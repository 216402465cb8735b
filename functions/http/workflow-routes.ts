import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppDeps } from '../app/deps';
import { listApiTokens } from '../app/list-api-tokens';
import { createApiToken } from '../app/manage-tokens';
import { moveEvent, PlanKeyReusedError, planEventAnnouncements } from '../app/plan-event-announcements';
import { approveRelease, rejectRelease, submitForReview } from '../app/review-release';
import { revokeApiToken } from '../app/revoke-api-token';
import { rescheduleCampaign } from '../app/schedule-campaign';
import { assertCan, roles } from '../domain/actor';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { ApiEnv } from './api-env';
import { body, campaignView, errors, json } from './api-routes';
import { CampaignSchema, ErrorSchema, IdParam, ReleaseSchema } from './api-schemas';
import { validationBody } from './error-responses';

const conflict = { 409: json(ErrorSchema, 'Transition impossible depuis l’état actuel') };
const forbidden = { 403: json(ErrorSchema, 'Rôle insuffisant') };
// Plans and audit entries are documented loosely: their shapes are the domain types AnnouncementPlan and AuditEntry.
const PlanSchema = z.any().openapi({
  description:
    'AnnouncementPlan : id, sourceReleaseId, eventStart, timeZone, listIds, steps[{type, offsetDays, time, localSendAt, releaseId, campaignId}]',
});

const ApiTokenSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(roles),
    createdAt: z.string(),
    expiresAt: z.string().optional(),
    revokedAt: z.string().optional(),
    lastUsedAt: z.string().optional(),
    createdBy: z.string().optional(),
    state: z.enum(['active', 'expired', 'revoked']),
  })
  .openapi('ApiToken');

const ApproveBodySchema = z.object({
  version: z.number().int().min(1).optional().openapi({ description: 'La version que le relecteur a lue' }),
});

/** Review, scheduling, announcement plans, audit log and API tokens. */
export function workflowRoutes(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });

  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/submit',
      tags: ['review'],
      request: { params: IdParam },
      responses: { 200: json(ReleaseSchema, 'Soumis à relecture'), ...conflict, ...forbidden, ...errors },
    }),
    async (c) => c.json(await submitForReview(deps, c.get('actor'), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/approve',
      tags: ['review'],
      description:
        'Corps facultatif `{ "version": n }` : la version relue. Refusé (409) si le communiqué a changé de version depuis. Sans corps, approuve la version soumise.',
      // The body `{ version }` is optional and read by the handler: the generated validator would refuse an empty JSON body.
      request: { params: IdParam },
      responses: { 200: json(ReleaseSchema, 'Approuvé'), ...conflict, ...forbidden, ...errors },
    }),
    async (c) => {
      // The body is optional (older clients post none): read it by hand rather than require JSON.
      const raw = (await c.req.text()).trim();
      let parsed: unknown = {};
      try {
        parsed = raw ? JSON.parse(raw) : {};
      } catch {
        throw new ValidationError('Corps invalide : JSON attendu, par exemple { "version": 2 }.', 'version');
      }
      const { version } = ApproveBodySchema.parse(parsed);
      return c.json(await approveRelease(deps, c.get('actor'), c.req.valid('param').id, version), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/reject',
      tags: ['review'],
      request: { params: IdParam, ...body(z.object({ comment: z.string().max(5_000) })) },
      responses: { 200: json(ReleaseSchema, 'Renvoyé en brouillon avec le commentaire'), ...conflict, ...forbidden, ...errors },
    }),
    async (c) => c.json(await rejectRelease(deps, c.get('actor'), c.req.valid('param').id, c.req.valid('json').comment), 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns/{id}/reschedule',
      tags: ['campaigns'],
      request: {
        params: IdParam,
        ...body(z.object({ sendAt: z.string(), timeZone: z.string().optional(), ambiguity: z.enum(['earlier', 'later']).optional() })),
      },
      responses: { 200: json(CampaignSchema, 'Reprogrammée'), ...conflict, ...forbidden, ...errors },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'campaign:send');
      return c.json(campaignView(await rescheduleCampaign(deps, c.req.valid('param').id, c.req.valid('json'))), 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/plans',
      tags: ['plans'],
      description:
        'Tout ou rien : si une étape échoue, rien ne reste programmé. Avec `Idempotency-Key`, une nouvelle tentative ne duplique aucune étape et rend le même plan ; la même clé pour une autre demande : 422.',
      request: {
        ...body(
          z.object({
            sourceReleaseId: z.string(),
            listIds: z.array(z.string()).min(1),
            steps: z.array(z.object({ type: z.string(), offsetDays: z.number().int(), time: z.string() })).optional(),
            idempotencyKey: z.string().min(8).max(200).optional(),
          }),
        ),
        headers: z.object({ 'idempotency-key': z.string().min(8).max(200).optional() }),
      },
      responses: {
        201: json(PlanSchema, 'Plan créé : une campagne programmée par étape (ou le même plan, si la clé est connue)'),
        422: json(ErrorSchema, 'Clé d’idempotence déjà utilisée pour un autre plan'),
        ...forbidden,
        ...errors,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const idempotencyKey = c.req.valid('header')['idempotency-key'] ?? input.idempotencyKey;
      try {
        return c.json(await planEventAnnouncements(deps, { ...input, idempotencyKey }, c.get('actor')), 201);
      } catch (e: unknown) {
        if (e instanceof PlanKeyReusedError) return c.json({ error: e.code, message: e.message, field: 'idempotency-key' }, 422);
        throw e;
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/plans/{id}',
      tags: ['plans'],
      request: { params: IdParam },
      responses: { 200: json(PlanSchema, 'Le plan et ses étapes'), ...errors },
    }),
    async (c) => {
      const plan = await deps.store.getPlan(c.req.valid('param').id);
      if (!plan) throw new NotFoundError('Plan d’annonces', c.req.valid('param').id);
      return c.json(plan, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/plans/{id}/move',
      tags: ['plans'],
      request: { params: IdParam, ...body(z.object({ eventStart: z.string().openapi({ example: '2024-04-09T09:00' }) })) },
      responses: {
        200: json(
          z.any().openapi({ description: '{ plan, unchanged[{type,status}], nowInPast[{type,localSendAt}] }' }),
          'Étapes non envoyées déplacées ; celles qui seraient passées sont signalées',
        ),
        ...forbidden,
        ...errors,
      },
    }),
    async (c) => c.json(await moveEvent(deps, c.req.valid('param').id, c.req.valid('json').eventStart, c.get('actor')), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/audit',
      tags: ['governance'],
      request: { query: z.object({ month: z.string().regex(/^\d{4}-\d{2}$/, 'mois attendu (AAAA-MM)') }) },
      responses: {
        200: json(
          z.any().openapi({ description: '{ items: [{at, actorId, actorName, action, entity, entityId, detail}] }' }),
          'Journal d’audit du mois',
        ),
        ...forbidden,
        ...errors,
      },
    }),
    async (c) => {
      // Entries name people and addresses: the same role as the audience itself.
      assertCan(c.get('actor'), 'audience:read');
      return c.json({ items: await deps.store.listAudit(c.req.valid('query').month) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/tokens',
      tags: ['governance'],
      request: body(
        z.object({
          name: z.string(),
          role: z.enum(roles),
          expiresInDays: z
            .number()
            .int()
            .min(1)
            .max(730)
            .optional()
            .openapi({ description: 'Durée de validité ; absent : sans expiration' }),
        }),
      ),
      responses: {
        201: json(z.object({ token: z.string(), actor: z.any(), record: z.any() }), 'Jeton créé (affiché une seule fois)'),
        ...forbidden,
        ...errors,
      },
    }),
    async (c) => c.json(await createApiToken(deps, c.get('actor'), c.req.valid('json')), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/tokens',
      tags: ['governance'],
      responses: {
        200: json(
          z.object({ items: z.array(ApiTokenSchema) }),
          'Jetons, les plus récents d’abord : nom, rôle, création, expiration, dernier usage (jamais le secret)',
        ),
        ...forbidden,
        ...errors,
      },
    }),
    async (c) => c.json({ items: await listApiTokens(deps, c.get('actor')) }, 200),
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/tokens/{id}',
      tags: ['governance'],
      request: { params: IdParam },
      responses: { 204: { description: 'Jeton révoqué : il reçoit 401 dès la requête suivante' }, ...forbidden, ...errors },
    }),
    async (c) => {
      await revokeApiToken(deps, c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return api;
}

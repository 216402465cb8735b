import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import { audit } from '../app/audit-log';
import { cancelCampaign, pauseCampaign, resumeCampaign } from '../app/control-campaign';
import { listDeadLetters, redriveDeadLetters } from '../app/dead-letters';
import type { AppDeps } from '../app/deps';
import { IdempotencyKeyReusedError, launchCampaign } from '../app/launch-campaign';
import { addSubscriberByAdmin, createList, getList, listMembers, SuppressedAddressError } from '../app/manage-audience';
import { createRelease, duplicateRelease, getRelease, updateRelease } from '../app/manage-releases';
import { previewFormats, previewRelease } from '../app/preview-release';
import { unpublishRelease } from '../app/publish-release';
import { resendFailed } from '../app/resend-failed';
import { sendTestMail } from '../app/send-test-mail';
import { eraseSubscriber, exportSubscriber } from '../app/subscriber-privacy';
import { getTestRecipients, setTestRecipients } from '../app/test-mail-recipients';
import { assertCan } from '../domain/actor';
import { type Campaign, campaignProgress } from '../domain/campaign';
import { NotFoundError } from '../domain/errors';
import type { ApiEnv } from './api-env';
import {
  AddSubscriberSchema,
  CampaignSchema,
  ErrorSchema,
  IdParam,
  LaunchCampaignSchema,
  ListInputSchema,
  ListSchema,
  MembershipSchema,
  PageQuery,
  ReleaseContentSchema,
  ReleaseSchema,
  SubscriberSchema,
  TestMailSchema,
  TestMailSentSchema,
  UpdateReleaseSchema,
} from './api-schemas';
import { validationBody } from './error-responses';

export const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
export const errors = {
  400: json(ErrorSchema, 'Requête invalide (le champ fautif est nommé)'),
  401: json(ErrorSchema, 'Jeton d’administration absent ou invalide'),
  404: json(ErrorSchema, 'Ressource introuvable'),
};
export const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });

export const campaignView = (c: Campaign) => {
  const { sender: _sender, listIds, ...view } = c;
  return { ...view, listIds: [...listIds] };
};

/** The admin JSON API. Every route is described in /api/openapi.json; bodies are validated by zod. */
export function apiRoutes(deps: AppDeps): OpenAPIHono<ApiEnv> {
  const api = new OpenAPIHono<ApiEnv>({
    defaultHook: (result, c) => {
      if (!result.success) return c.json(validationBody(result.error), 400);
    },
  });

  // --- releases ----------------------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'get',
      path: '/releases',
      tags: ['releases'],
      request: { query: z.object({ brandId: z.string().optional(), ...PageQuery.shape }) },
      responses: {
        200: json(z.object({ items: z.array(ReleaseSchema), cursor: z.string().optional() }), 'Communiqués, les plus récents d’abord'),
        ...errors,
      },
    }),
    async (c) => {
      const q = c.req.valid('query');
      const page = q.brandId ? await deps.store.listReleasesByBrand(q.brandId, q) : await deps.store.listReleases(q);
      return c.json(page, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases',
      tags: ['releases'],
      request: body(ReleaseContentSchema),
      responses: { 201: json(ReleaseSchema, 'Brouillon créé'), ...errors },
    }),
    async (c) => c.json(await createRelease(deps, c.req.valid('json'), c.get('actor')), 201),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/duplicate',
      tags: ['releases'],
      request: { params: IdParam },
      responses: {
        201: json(ReleaseSchema, 'Nouveau brouillon, copie du communiqué (pour corriger ou réutiliser un communiqué envoyé)'),
        ...errors,
      },
    }),
    async (c) => c.json(await duplicateRelease(deps, c.req.valid('param').id, c.get('actor')), 201),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/releases/{id}',
      tags: ['releases'],
      request: { params: IdParam },
      responses: { 200: json(ReleaseSchema, 'Le communiqué'), ...errors },
    }),
    async (c) => c.json(await getRelease(deps, c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'put',
      path: '/releases/{id}',
      tags: ['releases'],
      request: { params: IdParam, ...body(UpdateReleaseSchema) },
      responses: {
        200: json(ReleaseSchema, 'Nouvelle version enregistrée'),
        409: json(ErrorSchema, 'Déjà envoyé, ou modifié entre-temps'),
        ...errors,
      },
    }),
    async (c) => {
      const { content, expectedVersion } = c.req.valid('json');
      return c.json(await updateRelease(deps, c.req.valid('param').id, content, expectedVersion, c.get('actor')), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/unpublish',
      tags: ['releases'],
      summary: 'Retire un communiqué de la salle de presse (envoi par erreur)',
      description:
        'Le communiqué disparaît de la salle de presse et des flux ; sa version en ligne répond 404 comme un communiqué inconnu. Les mails déjà envoyés le restent. Rôle publication ou administration ; inscrit au journal d’audit.',
      request: { params: IdParam },
      responses: { 200: json(ReleaseSchema, 'Communiqué retiré de la publication'), 403: json(ErrorSchema, 'Rôle insuffisant'), ...errors },
    }),
    async (c) => c.json(await unpublishRelease(deps, c.get('actor'), c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/releases/{id}/preview',
      tags: ['releases'],
      request: {
        params: IdParam,
        query: z.object({
          format: z.enum(previewFormats).default('html').openapi({
            description:
              'html : le mail tel que reçu ; text : sa partie texte ; ics : l’événement (annonces d’événement) ; web : la version en ligne ; preview : page d’aperçu, ordinateur (640 px) et téléphone (375 px) côte à côte',
          }),
        }),
      },
      responses: {
        200: {
          content: { 'text/html': { schema: z.string() }, 'text/plain': { schema: z.string() }, 'text/calendar': { schema: z.string() } },
          description: 'Le communiqué rendu dans le format demandé',
        },
        422: json(ErrorSchema, 'Erreur de rendu, ou format ics demandé pour un communiqué sans événement'),
        ...errors,
      },
    }),
    async (c) => {
      const rendered = await previewRelease(deps, c.req.valid('param').id, c.req.valid('query').format);
      const headers: Record<string, string> = { 'content-type': rendered.contentType };
      if (rendered.filename) headers['content-disposition'] = `attachment; filename="${rendered.filename}"`;
      return c.body(rendered.body, 200, headers);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/releases/{id}/test',
      tags: ['releases'],
      summary: 'Envoie le communiqué à une seule adresse, pour essai',
      description:
        'Un seul mail, à votre propre adresse ou à une adresse autorisée par un administrateur (/settings/test-recipients) ; objet préfixé « [TEST] », ou « [TEST – non approuvé] », « [TEST – sous embargo jusqu’au …] » ; mêmes en-têtes qu’un envoi réel (List-Unsubscribe, List-Unsubscribe-Post), liens de désinscription factices ; aucune campagne, aucune liste touchée. 20 essais par personne et par 10 minutes.',
      request: { params: IdParam, ...body(TestMailSchema) },
      responses: {
        202: json(TestMailSentSchema, 'Mail de test remis au service d’envoi'),
        403: json(ErrorSchema, 'Rôle insuffisant, ou adresse qui n’est ni la vôtre ni une adresse autorisée'),
        409: json(ErrorSchema, 'Adresse bloquée (désinscription, rebond, plainte)'),
        422: json(ErrorSchema, 'Erreur de rendu'),
        429: json(ErrorSchema, 'Trop d’envois de test'),
        ...errors,
      },
    }),
    async (c) => c.json(await sendTestMail(deps, { releaseId: c.req.valid('param').id, to: c.req.valid('json').to }, c.get('actor')), 202),
  );
  const TestRecipientsSchema = z.object({
    addresses: z.array(z.string()).openapi({ description: 'Adresses normalisées', example: ['relecture@departement41.fr'] }),
  });
  api.openapi(
    createRoute({
      method: 'get',
      path: '/settings/test-recipients',
      tags: ['settings'],
      summary: 'Adresses autorisées pour les envois de test (en plus de la vôtre)',
      responses: { 200: json(TestRecipientsSchema, 'Liste d’adresses'), 403: json(ErrorSchema, 'Réservé aux administrateurs'), ...errors },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'settings:manage');
      return c.json({ addresses: await getTestRecipients(deps) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'put',
      path: '/settings/test-recipients',
      tags: ['settings'],
      summary: 'Remplace les adresses autorisées pour les envois de test',
      request: body(TestRecipientsSchema),
      responses: { 200: json(TestRecipientsSchema, 'Liste enregistrée'), 403: json(ErrorSchema, 'Réservé aux administrateurs'), ...errors },
    }),
    async (c) => c.json({ addresses: await setTestRecipients(deps, c.get('actor'), c.req.valid('json')) }, 200),
  );

  // --- lists and subscribers ---------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'get',
      path: '/lists',
      tags: ['audience'],
      responses: { 200: json(z.object({ items: z.array(ListSchema) }), 'Listes'), ...errors },
    }),
    async (c) => c.json({ items: await deps.store.listLists() }, 200),
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/lists',
      tags: ['audience'],
      request: body(ListInputSchema),
      responses: { 201: json(ListSchema, 'Liste créée'), ...errors },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:manage');
      return c.json(await createList(deps, c.req.valid('json')), 201);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/lists/{id}',
      tags: ['audience'],
      request: { params: IdParam },
      responses: { 200: json(ListSchema, 'La liste'), ...errors },
    }),
    async (c) => c.json(await getList(deps, c.req.valid('param').id), 200),
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/lists/{id}/subscribers',
      tags: ['audience'],
      request: { params: IdParam, query: PageQuery },
      responses: {
        200: json(z.object({ items: z.array(MembershipSchema), cursor: z.string().optional() }), 'Membres, page par page (curseur)'),
        403: json(ErrorSchema, 'Rôle insuffisant (audience:read : publication, administration)'),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:read');
      return c.json(await listMembers(deps, c.req.valid('param').id, c.req.valid('query')), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/lists/{id}/subscribers',
      tags: ['audience'],
      request: { params: IdParam, ...body(AddSubscriberSchema) },
      responses: {
        201: json(
          z.object({
            outcome: z.enum(['created', 'updated', 'unchanged']),
            subscriber: SubscriberSchema,
            membership: MembershipSchema,
            confirmationMailed: z.boolean().openapi({
              description: 'Liste à double opt-in : l’abonné reste « unconfirmed » et reçoit un mail de confirmation',
            }),
          }),
          'Abonné ajouté à la liste (ou déjà présent)',
        ),
        409: json(ErrorSchema, 'Adresse supprimée ou désinscrite : pas de réinscription par un administrateur'),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:manage');
      const { email, status, ...profile } = c.req.valid('json');
      const r = await addSubscriberByAdmin(deps, c.req.valid('param').id, { email, status, profile }, c.get('actor'));
      if (r.outcome === 'suppressed' || !r.subscriber || !r.membership) throw new SuppressedAddressError(r.reason ?? 'désinscrit');
      return c.json(
        { outcome: r.outcome, subscriber: r.subscriber, membership: r.membership, confirmationMailed: r.confirmationMailed },
        201,
      );
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers/{id}',
      tags: ['audience'],
      request: { params: IdParam },
      responses: {
        200: json(SubscriberSchema.extend({ memberships: z.array(MembershipSchema) }), 'L’abonné et ses listes'),
        403: json(ErrorSchema, 'Rôle insuffisant (audience:read : publication, administration)'),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:read');
      const id = c.req.valid('param').id;
      const subscriber = await deps.store.getSubscriber(id);
      if (!subscriber) throw new NotFoundError('Abonné', id);
      return c.json({ ...subscriber, memberships: await deps.store.listMembershipsOf(id) }, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/subscribers/{id}/export',
      tags: ['audience'],
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            exportedAt: z.string(),
            subscriber: z.any(),
            memberships: z.array(z.any()),
            consent: z.array(z.any()),
            sends: z.array(z.any()),
          }),
          'Export RGPD : profil, listes, registre de consentement, envois',
        ),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:manage');
      return c.json(await exportSubscriber(deps, c.req.valid('param').id, c.get('actor')), 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'delete',
      path: '/subscribers/{id}',
      tags: ['audience'],
      request: { params: IdParam },
      responses: { 204: { description: 'Données personnelles effacées ; l’adresse reste bloquée (empreinte)' }, ...errors },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:manage');
      await eraseSubscriber(deps, c.req.valid('param').id, c.get('actor'));
      return c.body(null, 204);
    },
  );

  // --- campaigns ---------------------------------------------------------------------------
  api.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns',
      tags: ['campaigns'],
      request: {
        ...body(LaunchCampaignSchema),
        headers: z.object({
          'idempotency-key': z.string().min(8).max(200).optional().openapi({
            description:
              'Même clé, même demande : la même campagne, jamais une seconde. Réutilisée pour une autre demande : 422. Prioritaire sur `idempotencyKey` du corps.',
          }),
        }),
      },
      responses: {
        202: json(CampaignSchema, 'Campagne lancée (ou la même, si la clé d’idempotence est connue)'),
        422: json(ErrorSchema, 'Erreur de rendu, ou clé d’idempotence déjà utilisée pour une autre demande'),
        ...errors,
      },
    }),
    async (c) => {
      const input = c.req.valid('json');
      const idempotencyKey = c.req.valid('header')['idempotency-key'] ?? input.idempotencyKey;
      try {
        const { campaign, lateFailures } = await launchCampaign(deps, { ...input, idempotencyKey }, c.get('actor'));
        // The campaign is recorded and goes out: report what failed after that, never as an error.
        if (lateFailures)
          console.warn(
            JSON.stringify({ level: 'WARN', message: 'campaign launched with late failures', campaignId: campaign.id, lateFailures }),
          );
        return c.json(campaignView(campaign), 202);
      } catch (e: unknown) {
        if (e instanceof IdempotencyKeyReusedError) return c.json({ error: e.code, message: e.message, field: 'idempotency-key' }, 422);
        throw e;
      }
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns',
      tags: ['campaigns'],
      request: { query: PageQuery },
      responses: {
        200: json(z.object({ items: z.array(CampaignSchema), cursor: z.string().optional() }), 'Campagnes, les plus récentes d’abord'),
        ...errors,
      },
    }),
    async (c) => {
      const page = await deps.store.listCampaigns(c.req.valid('query'));
      return c.json({ items: page.items.map(campaignView), cursor: page.cursor }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}',
      tags: ['campaigns'],
      request: { params: IdParam },
      responses: { 200: json(CampaignSchema, 'Statut et décompte par état'), ...errors },
    }),
    async (c) => {
      const id = c.req.valid('param').id;
      const campaign = await deps.store.getCampaign(id);
      if (!campaign) throw new NotFoundError('Campagne', id);
      return c.json({ ...campaignView(campaign), progress: campaignProgress(campaign, deps.clock.now()) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/campaigns/{id}/failures',
      tags: ['campaigns'],
      request: { params: IdParam, query: PageQuery },
      responses: {
        200: json(
          z.object({
            items: z.array(z.object({ subscriberId: z.string(), email: z.string(), error: z.string().optional(), updatedAt: z.string() })),
            cursor: z.string().optional(),
          }),
          'Destinataires en échec, avec la raison',
        ),
        403: json(ErrorSchema, 'Rôle insuffisant (audience:read : publication, administration)'),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'audience:read');
      const id = c.req.valid('param').id;
      if (!(await deps.store.getCampaign(id))) throw new NotFoundError('Campagne', id);
      const page = await deps.store.listRecipients(id, { ...c.req.valid('query'), status: 'failed' });
      return c.json(
        {
          items: page.items.map((r) => ({ subscriberId: r.subscriberId, email: r.email, error: r.error, updatedAt: r.updatedAt })),
          cursor: page.cursor,
        },
        200,
      );
    },
  );
  // GET /audience (who a send would reach, with a segment): functions/http/segment-routes.ts
  const control = { pause: pauseCampaign, resume: resumeCampaign, cancel: cancelCampaign } as const;
  for (const [action, run] of Object.entries(control)) {
    api.openapi(
      createRoute({
        method: 'post',
        path: `/campaigns/{id}/${action}`,
        tags: ['campaigns'],
        request: { params: IdParam },
        responses: {
          200: json(CampaignSchema, 'Nouvel état de la campagne'),
          409: json(ErrorSchema, 'Transition impossible depuis l’état actuel'),
          ...errors,
        },
      }),
      async (c) => {
        const actor = c.get('actor');
        assertCan(actor, 'campaign:send');
        const campaign = await run(deps, c.req.valid('param').id);
        await audit(deps, actor, `campaign.${action}`, 'campaign', campaign.id);
        return c.json(campaignView(campaign), 200);
      },
    );
  }
  api.openapi(
    createRoute({
      method: 'post',
      path: '/campaigns/{id}/resend-failed',
      tags: ['campaigns'],
      summary: 'Renvoie aux destinataires en échec passager (jamais à qui a reçu le message)',
      request: { params: IdParam },
      responses: {
        200: json(
          z.object({
            campaign: CampaignSchema,
            requeued: z.number().int().openapi({ description: 'Destinataires remis en attente et renvoyés' }),
            keptFailed: z.number().int().openapi({ description: 'Échecs définitifs laissés tels quels' }),
          }),
          'Destinataires renvoyés',
        ),
        409: json(ErrorSchema, 'Campagne ni lancée ni terminée'),
        ...errors,
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      assertCan(actor, 'campaign:send');
      const result = await resendFailed(deps, c.req.valid('param').id);
      await audit(deps, actor, 'campaign.resend_failed', 'campaign', result.campaign.id);
      return c.json({ ...result, campaign: campaignView(result.campaign) }, 200);
    },
  );
  const DeadLetterSchema = z.object({
    id: z.string(),
    body: z.string(),
    campaignId: z.string().optional(),
    recipients: z.number().int().optional(),
    receiveCount: z.number().int().optional(),
    sentAt: z.string().optional(),
  });
  api.openapi(
    createRoute({
      method: 'get',
      path: '/dead-letters',
      tags: ['operations'],
      summary: 'Messages de la file d’envoi partis en échec (lettres mortes), laissés en place',
      request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(50) }) },
      responses: {
        200: json(z.object({ items: z.array(DeadLetterSchema) }), 'Lettres mortes'),
        409: json(ErrorSchema, 'Pas de file configurée'),
        ...errors,
      },
    }),
    async (c) => {
      assertCan(c.get('actor'), 'settings:manage');
      const items = await listDeadLetters(deps, c.req.valid('query').limit);
      return c.json({ items: items.map(({ message: _message, ...rest }) => rest) }, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'post',
      path: '/dead-letters/redrive',
      tags: ['operations'],
      summary: 'Remet les lettres mortes dans la file d’où elles viennent',
      responses: {
        200: json(z.object({ moved: z.number().int().optional(), taskHandle: z.string().optional() }), 'Remise en file lancée'),
        409: json(ErrorSchema, 'Pas de file configurée'),
        ...errors,
      },
    }),
    async (c) => {
      const actor = c.get('actor');
      assertCan(actor, 'settings:manage');
      const result = await redriveDeadLetters(deps);
      await audit(deps, actor, 'dead_letters.redriven', 'setting', 'dead-letters');
      return c.json(result, 200);
    },
  );
  return api;
}

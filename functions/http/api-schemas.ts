// Schemas built from the domain's plain zod schemas carry no component name (no .openapi() on them).
import { z } from '@hono/zod-openapi';
import { listInputSchema, subscriberProfileSchema, subscriptionStatuses } from '../domain/audience';
import { campaignStatuses, recipientStatuses } from '../domain/campaign';
import { releaseContentSchema, releaseStatuses } from '../domain/release';
import { segmentFilterSchema } from '../domain/segment';

export const ErrorSchema = z
  .object({
    error: z.string(),
    message: z.string(),
    field: z.string().optional(),
    issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .openapi('Error');

export const IdParam = z.object({
  id: z
    .string()
    .min(1)
    .openapi({ param: { name: 'id', in: 'path' } }),
});
export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
});

export const ReleaseContentSchema = releaseContentSchema;
export const ReleaseSchema = z
  .object({
    id: z.string(),
    status: z.enum(releaseStatuses),
    version: z.number().int(),
    createdBy: z.string().optional(),
    review: z
      .object({
        submittedBy: z.string().optional(),
        submittedAt: z.string().optional(),
        decidedBy: z.string().optional(),
        decidedAt: z.string().optional(),
        comment: z.string().optional(),
      })
      .optional(),
    publishedAt: z.string().optional(),
    content: z.any(),
    createdAt: z.string(),
    updatedAt: z.string(),
    sentAt: z.string().optional(),
  })
  .openapi('Release');
export const UpdateReleaseSchema = z.object({ content: releaseContentSchema, expectedVersion: z.number().int().min(1).optional() });

export const ListInputSchema = listInputSchema;
export const ListSchema = listInputSchema.extend({ id: z.string(), createdAt: z.string() });

export const AddSubscriberSchema = subscriberProfileSchema.extend({
  email: z.string().max(320),
  status: z.enum(subscriptionStatuses).optional(),
});
export const MembershipSchema = z
  .object({ listId: z.string(), subscriberId: z.string(), email: z.string(), status: z.enum(subscriptionStatuses), updatedAt: z.string() })
  .openapi('Membership');
export const SubscriberSchema = subscriberProfileSchema.extend({
  id: z.string(),
  email: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

export const LaunchCampaignSchema = z
  .object({
    releaseId: z.string().min(1),
    listIds: z.array(z.string().min(1)).min(1),
    idempotencyKey: z.string().min(8).max(200).optional(),
  })
  .extend({
    sendAt: z
      .string()
      .optional()
      .openapi({ description: 'Envoi programmé : heure locale AAAA-MM-JJTHH:mm[:ss]', example: '2026-03-06T10:00' }),
    timeZone: z.string().default('Europe/Paris'),
    ambiguity: z.enum(['earlier', 'later']).optional().openapi({ description: 'Pour une heure qui existe deux fois (octobre)' }),
    segmentId: z
      .string()
      .min(1)
      .optional()
      .openapi({ description: 'Seulement les membres de ce segment (son filtre est figé au lancement)' }),
    filter: segmentFilterSchema.optional(),
  })
  .openapi('LaunchCampaign');
export const CampaignSchema = z
  .object({
    id: z.string(),
    releaseId: z.string(),
    listIds: z.array(z.string()),
    segment: z.object({ id: z.string(), name: z.string() }).optional(),
    audienceFilter: segmentFilterSchema.optional(),
    status: z.enum(campaignStatuses),
    sendAt: z.string().optional(),
    localSendAt: z.string().optional(),
    timeZone: z.string().optional(),
    statusReason: z.string().optional(),
    total: z.number().int().optional(),
    counts: z.record(z.enum(recipientStatuses), z.number().int()),
    delivery: z.record(z.string(), z.number().int()).optional(),
    progress: z.object({ done: z.number().int(), ratePerSecond: z.number(), estimatedEnd: z.string().optional() }).optional(),
    createdAt: z.string(),
    startedAt: z.string().optional(),
    finishedAt: z.string().optional(),
  })
  .openapi('Campaign');

export const TestMailSchema = z
  .object({
    to: z.string({ error: 'adresse du destinataire du test requise' }).max(320).openapi({
      description: 'L’adresse qui reçoit le test (la vôtre) ; aucune liste n’est touchée',
      example: 'attache.presse@departement41.fr',
    }),
  })
  .openapi('TestMail');
export const TestMailSentSchema = z.object({ messageId: z.string(), to: z.string() }).openapi('TestMailSent');

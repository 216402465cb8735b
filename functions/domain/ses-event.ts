import { z } from 'zod';

/** The part of an SES event (configuration set → EventBridge or SNS) that feedback needs. */
export const sesEventSchema = z.object({
  eventType: z.enum([
    'Send',
    'Delivery',
    'Bounce',
    'Complaint',
    'Reject',
    'DeliveryDelay',
    'Open',
    'Click',
    'Rendering Failure',
    'Subscription',
  ]),
  mail: z.object({
    messageId: z.string(),
    timestamp: z.string().optional(),
    destination: z.array(z.string()).default([]),
    tags: z.record(z.string(), z.array(z.string())).default({}),
  }),
  bounce: z
    .object({
      bounceType: z.enum(['Permanent', 'Transient', 'Undetermined']),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(z.object({ emailAddress: z.string(), diagnosticCode: z.string().optional() })),
    })
    .optional(),
  complaint: z.object({ complainedRecipients: z.array(z.object({ emailAddress: z.string() })) }).optional(),
});
export type SesEvent = z.infer<typeof sesEventSchema>;

/** Accepts what AWS delivers: an EventBridge event (`detail`), an SNS notification (`Message` string) or the bare event. */
export function parseSesEvent(raw: unknown): SesEvent {
  const r = raw as { detail?: unknown; Message?: unknown; Sns?: { Message?: unknown } };
  const body = r.detail ?? r.Sns?.Message ?? r.Message ?? raw;
  return sesEventSchema.parse(typeof body === 'string' ? JSON.parse(body) : body);
}

/** Address as SES reports it ("Name <a@b>" or "a@b") reduced to the bare address. */
export const bareAddress = (s: string) => (/<([^>]+)>/.exec(s)?.[1] ?? s).trim();

import { z } from 'zod';
import { singleLine } from './text-fields';

export const listKinds = ['press', 'partners', 'public'] as const;
export const optInModes = ['single', 'double'] as const;

import { type SubscriptionStatus, subscriptionStatuses } from './subscription-status';

export { type SubscriptionStatus, subscriptionStatuses };

export const listInputSchema = z.object({
  name: singleLine(120),
  description: z.string().trim().max(1_000).default(''),
  kind: z.enum(listKinds).default('public'),
  optIn: z.enum(optInModes).default('double'),
  publicSignup: z.boolean().default(false),
  brandId: z.string().trim().max(64).optional(),
});
export type ListInput = z.input<typeof listInputSchema>;

export interface MailingList extends z.infer<typeof listInputSchema> {
  readonly id: string;
  readonly createdAt: string;
}

/** No markup in names: they are shown in mails and pages, and `<` or `>` there is never legitimate. */
const personText = (max: number) => singleLine(max).refine((s) => !/[<>]/.test(s), { message: 'ne doit pas contenir de balises' });

export const subscriberProfileSchema = z.object({
  name: personText(200).optional(),
  organisation: personText(200).optional(),
  role: personText(200).optional(),
  outlet: personText(200).optional(),
  mediumType: z.enum(['print', 'radio', 'tv', 'web', 'agency']).optional(),
  tags: z.array(personText(60)).max(50).default([]),
  department: z.string().trim().max(10).optional(),
  language: z.string().trim().max(10).default('fr'),
});
export type SubscriberProfile = z.infer<typeof subscriberProfileSchema>;

export interface Subscriber extends SubscriberProfile {
  readonly id: string;
  /** Normalised (see normaliseEmail); unique across subscribers. */
  readonly email: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Membership {
  readonly listId: string;
  readonly subscriberId: string;
  readonly email: string;
  readonly status: SubscriptionStatus;
  readonly updatedAt: string;
}

/**
 * `j***@example.org`: enough for the person to recognise their address on the preference page,
 * not enough for whoever finds a forwarded link to learn it.
 */
export function maskedEmail(email: string): string {
  const at = email.lastIndexOf('@');
  if (at <= 0) return '***';
  return `${Array.from(email)[0]}***${email.slice(at)}`;
}

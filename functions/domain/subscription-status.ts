/** The states of a membership, in a module without zod so the send worker can import it. */
export const subscriptionStatuses = ['unconfirmed', 'confirmed', 'unsubscribed'] as const;
export type SubscriptionStatus = (typeof subscriptionStatuses)[number];

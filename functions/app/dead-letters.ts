import { ConflictError } from '../domain/errors';
import type { DeadLetter, DeadLetterQueue } from '../ports';
import type { SendDeps } from './deps';

export interface DeadLetterView extends DeadLetter {
  /** The campaign it concerns, and how many recipients it covers (send messages). */
  readonly campaignId?: string;
  readonly recipients?: number;
}

function queueOf(deps: Pick<SendDeps, 'deadLetters'>): DeadLetterQueue {
  if (!deps.deadLetters) throw new ConflictError('Aucune file de messages en échec n’est configurée ici (DEAD_LETTER_QUEUE_URL et _ARN).');
  return deps.deadLetters;
}

/** Dead letters, left in place, with what each concerns (`communique dlq list`). */
export async function listDeadLetters(deps: Pick<SendDeps, 'deadLetters'>, limit = 50): Promise<DeadLetterView[]> {
  const letters = await queueOf(deps).list(Math.max(1, Math.min(100, limit)));
  return letters.map((l) => ({
    ...l,
    campaignId: l.message && 'campaignId' in l.message ? l.message.campaignId : undefined,
    recipients: l.message?.type === 'send' ? l.message.subscriberIds.length : undefined,
  }));
}

/**
 * Puts every dead letter back on the queue it came from (`communique dlq redrive`). Safe: claims
 * are conditional, so a recipient sent meanwhile (by the sweep's requeue) is not sent again.
 */
export async function redriveDeadLetters(deps: Pick<SendDeps, 'deadLetters'>): Promise<{ moved?: number; taskHandle?: string }> {
  return queueOf(deps).redrive();
}

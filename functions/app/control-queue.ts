import type { SendQueue } from '../ports';
import type { SendDeps } from './deps';

/**
 * Where fire, sweep and launch messages go: their own queue when the stack gives one, so that a
 * backlog of send messages never holds a schedule past its cutoff; else the send queue.
 */
export const controlQueueOf = (deps: Pick<SendDeps, 'queue' | 'controlQueue'>): SendQueue => deps.controlQueue ?? deps.queue;

import type { EventBridgeEvent } from 'aws-lambda';
import { logFeedbackOutcome, recordSesEvent } from '../app/record-ses-event';
import { buildAwsFeedbackDeps, logger } from '../worker-wiring';

const deps = await buildAwsFeedbackDeps();

/**
 * SES configuration set → default EventBridge bus → rule (source `aws.ses`, this configuration
 * set's `detail.mail.tags['ses:configuration-set']`) → here. The SES event is the envelope's
 * `detail`, which recordSesEvent reads. EventBridge invokes asynchronously: a throw makes Lambda
 * retry, then parks the event in the feedback dead-letter queue; records are idempotent.
 */
export const handler = async (event: EventBridgeEvent<string, unknown>) => {
  try {
    const outcome = await recordSesEvent(deps, event);
    logFeedbackOutcome(logger, event['detail-type'], outcome);
    return outcome;
  } finally {
    deps.metrics.flush();
  }
};

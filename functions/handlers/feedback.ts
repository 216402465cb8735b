import type { EventBridgeEvent } from 'aws-lambda';
import { recordSesEvent } from '../app/record-ses-event';
import { buildAwsFeedbackDeps, logger } from '../wiring';

const deps = buildAwsFeedbackDeps();

// SES configuration set → EventBridge → here. A throw makes EventBridge retry; records are idempotent.
export const handler = async (event: EventBridgeEvent<string, unknown>) => {
  const outcome = await recordSesEvent(deps, event);
  logger.info('ses event', { detailType: event['detail-type'], outcome });
  return outcome;
};

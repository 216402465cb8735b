import type { EventBridgeEvent } from 'aws-lambda';
import { pauseRunningCampaignsForReputation, reputationAlarmOf } from '../app/pause-for-reputation';
import { buildAwsFeedbackDeps, logger } from '../worker-wiring';

const deps = await buildAwsFeedbackDeps();

/**
 * CloudWatch alarm state change (SES Reputation.BounceRate or ComplaintRate in ALARM) → default
 * EventBridge bus → rule → here: pauses every running campaign with the reason. The alarm's SNS
 * notification tells the people.
 */
export const handler = async (event: EventBridgeEvent<'CloudWatch Alarm State Change', unknown>) => {
  const metric = reputationAlarmOf(event);
  if (!metric) return { paused: [] };
  const paused = await pauseRunningCampaignsForReputation(deps, metric);
  logger.warn('reputation alarm: running campaigns paused', { metric, paused });
  return { paused };
};

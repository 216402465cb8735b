import type { SendDeps } from './deps';

/** The SES reputation metrics whose alarms pause sending (infra/constructs/monitoring.ts). */
export type ReputationMetric = 'bounce' | 'complaint';

const reasons: Record<ReputationMetric, string> = {
  bounce:
    'Mise en pause automatique : le taux de rebonds du compte SES a atteint le seuil d’alerte (4 %). Nettoyez la liste en cause avant de reprendre.',
  complaint:
    'Mise en pause automatique : le taux de plaintes du compte SES a atteint le seuil d’alerte (0,08 %). Vérifiez à qui la campagne est partie avant de reprendre.',
};

/**
 * When a reputation alarm fires, every running campaign pauses with the reason, before AWS
 * reviews (5 % bounces, 0.1 % complaints) or pauses the account. Resuming is a person's
 * decision; mails already handed to SES finish, nobody is lost (see pauseCampaign).
 * Returns the ids of the campaigns it paused.
 */
export async function pauseRunningCampaignsForReputation(
  deps: Pick<SendDeps, 'store' | 'clock'>,
  metric: ReputationMetric,
): Promise<string[]> {
  const paused: string[] = [];
  const at = deps.clock.now().toISOString();
  let cursor: string | undefined;
  do {
    const page = await deps.store.listCampaigns({ limit: 100, cursor });
    for (const c of page.items) {
      // Conditional: a campaign that finished or was paused meanwhile is left as it is.
      if (c.status === 'running' && (await deps.store.setCampaignStatus(c.id, 'paused', ['running'], at, reasons[metric]))) {
        paused.push(c.id);
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return paused;
}

/**
 * Which metric a CloudWatch "Alarm State Change" event (EventBridge) is about, when it went into
 * ALARM; undefined for any other event or state (back to OK, insufficient data).
 */
export function reputationAlarmOf(event: unknown): ReputationMetric | undefined {
  const detail = (event as { detail?: unknown } | undefined)?.detail as
    | { state?: { value?: unknown }; configuration?: { metrics?: { metricStat?: { metric?: { name?: unknown } } }[] } }
    | undefined;
  if (detail?.state?.value !== 'ALARM') return undefined;
  const names = (detail.configuration?.metrics ?? []).map((m) => m.metricStat?.metric?.name);
  if (names.includes('Reputation.BounceRate')) return 'bounce';
  if (names.includes('Reputation.ComplaintRate')) return 'complaint';
  return undefined;
}

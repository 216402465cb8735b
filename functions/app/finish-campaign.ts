import { type Campaign, type LedgerTally, ledgerComplete, mayBeComplete } from '../domain/campaign';
import type { SendDeps } from './deps';
import { publishRelease } from './publish-release';

type FinishDeps = Pick<SendDeps, 'store' | 'clock'>;

/**
 * Finishes a running campaign once every recipient of its ledger has an outcome. The campaign
 * item's counters only tell when that is possible (they never under-state progress, see
 * `mayBeComplete`); the ledger decides, and its counts become the campaign's final counts. So a
 * worker that died between recording an outcome and reporting it to the counters can neither
 * leave wrong final counts nor keep the campaign from finishing.
 *
 * `known`: the campaign as the caller just read or updated it, to spare a read.
 */
export async function finishIfComplete(deps: FinishDeps, campaignId: string, known?: Campaign): Promise<boolean> {
  const campaign = known ?? (await deps.store.getCampaign(campaignId));
  if (!campaign || !mayBeComplete(campaign)) return false;
  return finishFromLedger(deps, campaign, await deps.store.tallyLedger(campaignId));
}

/** Finishes the campaign if this reading of its ledger shows it complete (outcomes are final, so a complete reading stays true). */
export async function finishFromLedger(
  deps: FinishDeps,
  campaign: Campaign,
  tally: Pick<LedgerTally, 'recipients' | 'counts'>,
): Promise<boolean> {
  if (campaign.status !== 'running' || !ledgerComplete(campaign.total, tally)) return false;
  // Before the campaign shows finished: mails recorded by reconciliation or SES events never
  // passed a batch's publication check, and a finished campaign that sent has its release public.
  if (tally.counts.sent > 0) await publishRelease(deps, campaign);
  return deps.store.finishCampaign(campaign.id, tally, deps.clock.now().toISOString());
}

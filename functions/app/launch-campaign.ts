import { createHash } from 'node:crypto';
import { z } from 'zod';
import { emptyCounts, type Campaign } from '../domain/campaign';
import { NotFoundError, ValidationError } from '../domain/errors';
import type { AppDeps } from './deps';
import { getRelease } from './manage-releases';

export const launchCampaignInputSchema = z.object({
  releaseId: z.string().min(1),
  listIds: z.array(z.string().min(1)).min(1, 'au moins une liste'),
  /** Same key, same campaign: a retried POST never starts a second campaign. */
  idempotencyKey: z.string().min(8).max(200).optional(),
});
export type LaunchCampaignInput = z.infer<typeof launchCampaignInputSchema>;

/** Deterministic id from the idempotency key, shaped like a UUID. */
const idFromKey = (key: string) => {
  const h = createHash('sha256').update(`campaign:${key}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/**
 * Sends a release to lists now: compiles the mail once (a render error refuses the launch,
 * nothing is sent), records the campaign, and queues the audience snapshot.
 */
export async function launchCampaign(deps: AppDeps, input: LaunchCampaignInput): Promise<{ campaign: Campaign; created: boolean }> {
  const { releaseId, idempotencyKey } = launchCampaignInputSchema.parse(input);
  const listIds = [...new Set(input.listIds)];
  const id = idempotencyKey ? idFromKey(idempotencyKey) : deps.newId();
  const existing = idempotencyKey ? await deps.store.getCampaign(id) : undefined;
  if (existing) return { campaign: await requeueIfStalled(deps, existing), created: false };

  const release = await getRelease(deps, releaseId);
  for (const listId of listIds) {
    if (!(await deps.store.getList(listId))) throw new NotFoundError('Liste', listId);
  }
  const brand = await deps.store.getBrand(release.content.brandId);
  if (!brand) throw new ValidationError(`Marque inconnue : ${release.content.brandId}`, 'brandId');
  const coBrands = (await Promise.all(release.content.coBrandIds.map((b) => deps.store.getBrand(b)))).filter((b) => b !== undefined);

  const now = deps.clock.now();
  const mail = await deps.compileRelease({
    content: release.content,
    brand,
    coBrands,
    webVersionUrl: `${deps.publicBaseUrl}/releases/${release.id}`,
    now,
  });
  const campaign: Campaign = {
    id,
    releaseId,
    listIds,
    sender: { name: brand.senderName, address: brand.senderEmail, replyTo: brand.replyTo },
    status: 'running',
    counts: emptyCounts(),
    createdAt: now.toISOString(),
    startedAt: now.toISOString(),
  };
  const result = await deps.store.createCampaign(campaign, mail);
  if (!result.created) return { campaign: await requeueIfStalled(deps, result.campaign), created: false };
  await deps.queue.enqueue([{ type: 'launch', campaignId: id }]);
  if (release.status !== 'sent') {
    await deps.store.updateRelease({ ...release, status: 'sent', sentAt: now.toISOString() }, release.version);
  }
  return { campaign: result.campaign, created: true };
}

/** A crash between recording the campaign and queueing its snapshot leaves it running without a total: queue it again. */
async function requeueIfStalled(deps: AppDeps, campaign: Campaign): Promise<Campaign> {
  if (campaign.status === 'running' && campaign.total === undefined) {
    await deps.queue.enqueue([{ type: 'launch', campaignId: campaign.id }]);
  }
  return campaign;
}

import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { AudienceStore, BrandStore, CampaignStore, FeedbackStore, GovernanceStore, ReleaseStore, Store } from '../../ports';
import { DynamoAudienceStore } from './audience-store';
import { DynamoBrandStore } from './brand-store';
import { DynamoCampaignStore } from './campaign-store';
import { DynamoFeedbackStore } from './feedback-store';
import { DynamoGovernanceStore } from './governance-store';
import { keys } from './keys';
import { DynamoReleaseStore } from './release-store';
import { TableAccess } from './table-access';

/** Public, so never for real data: what tests and benches get when they pass no pepper. */
export const developmentAddressPepper = 'communique-development-pepper-not-secret';

/**
 * The whole Store port on one DynamoDB table: a thin composition of one module per port
 * (brands, releases, audience, campaigns and ledger, feedback, governance) sharing `keys.ts`
 * and `table-access.ts`. Each method only forwards; the rules live in the modules.
 */
export class DynamoStore implements Store {
  readonly brands: DynamoBrandStore;
  readonly releases: DynamoReleaseStore;
  readonly audience: DynamoAudienceStore;
  readonly campaigns: DynamoCampaignStore;
  readonly feedback: DynamoFeedbackStore;
  readonly governance: DynamoGovernanceStore;
  private readonly table: TableAccess;

  /**
   * `addressPepper` keys the HMAC under which suppressions, transient bounces and rate limits are
   * stored (see `addressKey`): the wiring always passes the secret one (local: `.data/`, AWS: from
   * the token-keys secret). Tests and benches may leave it out and get a fixed, public pepper.
   */
  constructor(client: DynamoDBClient, tableName: string, options: { addressPepper?: string } = {}) {
    this.table = new TableAccess(client, tableName, options.addressPepper ?? developmentAddressPepper);
    this.brands = new DynamoBrandStore(this.table);
    this.releases = new DynamoReleaseStore(this.table, this.brands);
    this.audience = new DynamoAudienceStore(this.table);
    this.campaigns = new DynamoCampaignStore(this.table);
    this.feedback = new DynamoFeedbackStore(this.table, this.campaigns);
    this.governance = new DynamoGovernanceStore(this.table);
  }

  async ping(): Promise<boolean> {
    await this.table.doc.send(new GetCommand({ TableName: this.table.tableName, Key: keys.brand('__ping__') }));
    return true;
  }

  // --- brands (dynamodb/brand-store.ts)
  putBrand(...a: Parameters<BrandStore['putBrand']>) {
    return this.brands.putBrand(...a);
  }
  getBrand(...a: Parameters<BrandStore['getBrand']>) {
    return this.brands.getBrand(...a);
  }
  listBrands(...a: Parameters<BrandStore['listBrands']>) {
    return this.brands.listBrands(...a);
  }

  // --- releases (dynamodb/release-store.ts)
  createRelease(...a: Parameters<ReleaseStore['createRelease']>) {
    return this.releases.createRelease(...a);
  }
  getRelease(...a: Parameters<ReleaseStore['getRelease']>) {
    return this.releases.getRelease(...a);
  }
  updateRelease(...a: Parameters<ReleaseStore['updateRelease']>) {
    return this.releases.updateRelease(...a);
  }
  getReleaseVersion(...a: Parameters<ReleaseStore['getReleaseVersion']>) {
    return this.releases.getReleaseVersion(...a);
  }
  listReleasesByBrand(...a: Parameters<ReleaseStore['listReleasesByBrand']>) {
    return this.releases.listReleasesByBrand(...a);
  }
  listReleases(...a: Parameters<ReleaseStore['listReleases']>) {
    return this.releases.listReleases(...a);
  }
  listReleaseVersions(...a: Parameters<ReleaseStore['listReleaseVersions']>) {
    return this.releases.listReleaseVersions(...a);
  }

  // --- lists, subscribers, suppressions, consent (dynamodb/audience-store.ts)
  createList(...a: Parameters<AudienceStore['createList']>) {
    return this.audience.createList(...a);
  }
  getList(...a: Parameters<AudienceStore['getList']>) {
    return this.audience.getList(...a);
  }
  listLists(...a: Parameters<AudienceStore['listLists']>) {
    return this.audience.listLists(...a);
  }
  createSubscriber(...a: Parameters<AudienceStore['createSubscriber']>) {
    return this.audience.createSubscriber(...a);
  }
  getSubscriber(...a: Parameters<AudienceStore['getSubscriber']>) {
    return this.audience.getSubscriber(...a);
  }
  getSubscriberByEmail(...a: Parameters<AudienceStore['getSubscriberByEmail']>) {
    return this.audience.getSubscriberByEmail(...a);
  }
  updateSubscriber(...a: Parameters<AudienceStore['updateSubscriber']>) {
    return this.audience.updateSubscriber(...a);
  }
  putMembership(...a: Parameters<AudienceStore['putMembership']>) {
    return this.audience.putMembership(...a);
  }
  getMembership(...a: Parameters<AudienceStore['getMembership']>) {
    return this.audience.getMembership(...a);
  }
  setMembershipStatus(...a: Parameters<AudienceStore['setMembershipStatus']>) {
    return this.audience.setMembershipStatus(...a);
  }
  listMembers(...a: Parameters<AudienceStore['listMembers']>) {
    return this.audience.listMembers(...a);
  }
  listMembershipsOf(...a: Parameters<AudienceStore['listMembershipsOf']>) {
    return this.audience.listMembershipsOf(...a);
  }
  isSuppressed(...a: Parameters<AudienceStore['isSuppressed']>) {
    return this.audience.isSuppressed(...a);
  }
  suppressionOf(...a: Parameters<AudienceStore['suppressionOf']>) {
    return this.audience.suppressionOf(...a);
  }
  suppress(...a: Parameters<AudienceStore['suppress']>) {
    return this.audience.suppress(...a);
  }
  unsuppress(...a: Parameters<AudienceStore['unsuppress']>) {
    return this.audience.unsuppress(...a);
  }
  appendConsent(...a: Parameters<AudienceStore['appendConsent']>) {
    return this.audience.appendConsent(...a);
  }
  listConsent(...a: Parameters<AudienceStore['listConsent']>) {
    return this.audience.listConsent(...a);
  }
  hit(...a: Parameters<AudienceStore['hit']>) {
    return this.audience.hit(...a);
  }
  eraseSubscriber(...a: Parameters<AudienceStore['eraseSubscriber']>) {
    return this.audience.eraseSubscriber(...a);
  }
  listSuppressions(...a: Parameters<AudienceStore['listSuppressions']>) {
    return this.audience.listSuppressions(...a);
  }
  suppressionEntryOf(...a: Parameters<AudienceStore['suppressionEntryOf']>) {
    return this.audience.suppressionEntryOf(...a);
  }
  suppressedAddresses(...a: Parameters<AudienceStore['suppressedAddresses']>) {
    return this.audience.suppressedAddresses(...a);
  }
  suppressionByKey(...a: Parameters<AudienceStore['suppressionByKey']>) {
    return this.audience.suppressionByKey(...a);
  }
  liftSuppression(...a: Parameters<AudienceStore['liftSuppression']>) {
    return this.audience.liftSuppression(...a);
  }
  updateList(...a: Parameters<AudienceStore['updateList']>) {
    return this.audience.updateList(...a);
  }
  countMembersByStatus(...a: Parameters<AudienceStore['countMembersByStatus']>) {
    return this.audience.countMembersByStatus(...a);
  }
  getSubscribers(...a: Parameters<AudienceStore['getSubscribers']>) {
    return this.audience.getSubscribers(...a);
  }
  getMemberships(...a: Parameters<AudienceStore['getMemberships']>) {
    return this.audience.getMemberships(...a);
  }
  subscriberIdsByEmail(...a: Parameters<AudienceStore['subscriberIdsByEmail']>) {
    return this.audience.subscriberIdsByEmail(...a);
  }
  deleteMembership(...a: Parameters<AudienceStore['deleteMembership']>) {
    return this.audience.deleteMembership(...a);
  }
  lookupContacts(...a: Parameters<AudienceStore['lookupContacts']>) {
    return this.audience.lookupContacts(...a);
  }
  writeContacts(...a: Parameters<AudienceStore['writeContacts']>) {
    return this.audience.writeContacts(...a);
  }

  // --- campaigns and ledger (dynamodb/campaign-store.ts)
  createCampaign(...a: Parameters<CampaignStore['createCampaign']>) {
    return this.campaigns.createCampaign(...a);
  }
  getCampaign(...a: Parameters<CampaignStore['getCampaign']>) {
    return this.campaigns.getCampaign(...a);
  }
  getCompiledMail(...a: Parameters<CampaignStore['getCompiledMail']>) {
    return this.campaigns.getCompiledMail(...a);
  }
  listCampaigns(...a: Parameters<CampaignStore['listCampaigns']>) {
    return this.campaigns.listCampaigns(...a);
  }
  setCampaignStatus(...a: Parameters<CampaignStore['setCampaignStatus']>) {
    return this.campaigns.setCampaignStatus(...a);
  }
  replaceCompiledMail(...a: Parameters<CampaignStore['replaceCompiledMail']>) {
    return this.campaigns.replaceCompiledMail(...a);
  }
  rescheduleCampaign(...a: Parameters<CampaignStore['rescheduleCampaign']>) {
    return this.campaigns.rescheduleCampaign(...a);
  }
  acquireSnapshotLease(...a: Parameters<CampaignStore['acquireSnapshotLease']>) {
    return this.campaigns.acquireSnapshotLease(...a);
  }
  renewSnapshotLease(...a: Parameters<CampaignStore['renewSnapshotLease']>) {
    return this.campaigns.renewSnapshotLease(...a);
  }
  completeSnapshot(...a: Parameters<CampaignStore['completeSnapshot']>) {
    return this.campaigns.completeSnapshot(...a);
  }
  releaseSnapshotLease(...a: Parameters<CampaignStore['releaseSnapshotLease']>) {
    return this.campaigns.releaseSnapshotLease(...a);
  }
  addRecipients(...a: Parameters<CampaignStore['addRecipients']>) {
    return this.campaigns.addRecipients(...a);
  }
  findSuppressed(...a: Parameters<CampaignStore['findSuppressed']>) {
    return this.campaigns.findSuppressed(...a);
  }
  getRecipient(...a: Parameters<CampaignStore['getRecipient']>) {
    return this.campaigns.getRecipient(...a);
  }
  countRecipients(...a: Parameters<CampaignStore['countRecipients']>) {
    return this.campaigns.countRecipients(...a);
  }
  getRecipients(...a: Parameters<CampaignStore['getRecipients']>) {
    return this.campaigns.getRecipients(...a);
  }
  loadSendContext(...a: Parameters<CampaignStore['loadSendContext']>) {
    return this.campaigns.loadSendContext(...a);
  }
  listSendsOf(...a: Parameters<CampaignStore['listSendsOf']>) {
    return this.campaigns.listSendsOf(...a);
  }
  listRecipients(...a: Parameters<CampaignStore['listRecipients']>) {
    return this.campaigns.listRecipients(...a);
  }
  claimRecipient(...a: Parameters<CampaignStore['claimRecipient']>) {
    return this.campaigns.claimRecipient(...a);
  }
  settleRecipient(...a: Parameters<CampaignStore['settleRecipient']>) {
    return this.campaigns.settleRecipient(...a);
  }
  claimRecipients(...a: Parameters<CampaignStore['claimRecipients']>) {
    return this.campaigns.claimRecipients(...a);
  }
  settleRecipients(...a: Parameters<CampaignStore['settleRecipients']>) {
    return this.campaigns.settleRecipients(...a);
  }
  addToCounts(...a: Parameters<CampaignStore['addToCounts']>) {
    return this.campaigns.addToCounts(...a);
  }
  tallyLedger(...a: Parameters<CampaignStore['tallyLedger']>) {
    return this.campaigns.tallyLedger(...a);
  }
  finishCampaign(...a: Parameters<CampaignStore['finishCampaign']>) {
    return this.campaigns.finishCampaign(...a);
  }
  closeCancelledCounts(...a: Parameters<CampaignStore['closeCancelledCounts']>) {
    return this.campaigns.closeCancelledCounts(...a);
  }

  // --- feedback (dynamodb/feedback-store.ts)
  markEventSeen(...a: Parameters<FeedbackStore['markEventSeen']>) {
    return this.feedback.markEventSeen(...a);
  }
  settleIfSending(...a: Parameters<FeedbackStore['settleIfSending']>) {
    return this.feedback.settleIfSending(...a);
  }
  countDelivery(...a: Parameters<FeedbackStore['countDelivery']>) {
    return this.feedback.countDelivery(...a);
  }
  countTransientBounce(...a: Parameters<FeedbackStore['countTransientBounce']>) {
    return this.feedback.countTransientBounce(...a);
  }

  // --- governance (dynamodb/governance-store.ts)
  appendAudit(...a: Parameters<GovernanceStore['appendAudit']>) {
    return this.governance.appendAudit(...a);
  }
  listAudit(...a: Parameters<GovernanceStore['listAudit']>) {
    return this.governance.listAudit(...a);
  }
  putApiToken(...a: Parameters<GovernanceStore['putApiToken']>) {
    return this.governance.putApiToken(...a);
  }
  actorByTokenHash(...a: Parameters<GovernanceStore['actorByTokenHash']>) {
    return this.governance.actorByTokenHash(...a);
  }
  putPlan(...a: Parameters<GovernanceStore['putPlan']>) {
    return this.governance.putPlan(...a);
  }
  getPlan(...a: Parameters<GovernanceStore['getPlan']>) {
    return this.governance.getPlan(...a);
  }
  listPlans(...a: Parameters<GovernanceStore['listPlans']>) {
    return this.governance.listPlans(...a);
  }
  getSetting(...a: Parameters<GovernanceStore['getSetting']>) {
    return this.governance.getSetting(...a);
  }
  putSetting(...a: Parameters<GovernanceStore['putSetting']>) {
    return this.governance.putSetting(...a);
  }
  putApiTokenRecord(...a: Parameters<GovernanceStore['putApiTokenRecord']>) {
    return this.governance.putApiTokenRecord(...a);
  }
  apiTokenByHash(...a: Parameters<GovernanceStore['apiTokenByHash']>) {
    return this.governance.apiTokenByHash(...a);
  }
  listApiTokens(...a: Parameters<GovernanceStore['listApiTokens']>) {
    return this.governance.listApiTokens(...a);
  }
  revokeApiToken(...a: Parameters<GovernanceStore['revokeApiToken']>) {
    return this.governance.revokeApiToken(...a);
  }
  touchApiToken(...a: Parameters<GovernanceStore['touchApiToken']>) {
    return this.governance.touchApiToken(...a);
  }

  // --- uncovered recipients and resend to failed (dynamodb/campaign-store.ts)
  uncoveredPending(...a: Parameters<CampaignStore['uncoveredPending']>) {
    return this.campaigns.uncoveredPending(...a);
  }
  markUncoveredRequeue(...a: Parameters<CampaignStore['markUncoveredRequeue']>) {
    return this.campaigns.markUncoveredRequeue(...a);
  }
  reopenFailedRecipients(...a: Parameters<CampaignStore['reopenFailedRecipients']>) {
    return this.campaigns.reopenFailedRecipients(...a);
  }

  // --- segments (dynamodb/governance-store.ts)
  putSegment(...a: Parameters<GovernanceStore['putSegment']>) {
    return this.governance.putSegment(...a);
  }
  getSegment(...a: Parameters<GovernanceStore['getSegment']>) {
    return this.governance.getSegment(...a);
  }
  listSegments(...a: Parameters<GovernanceStore['listSegments']>) {
    return this.governance.listSegments(...a);
  }
  deleteSegment(...a: Parameters<GovernanceStore['deleteSegment']>) {
    return this.governance.deleteSegment(...a);
  }

  // --- audience change log (dynamodb/audience-changes-store.ts): what a send batch reads instead of each recipient's items
  audienceChangesMark(...a: Parameters<CampaignStore['audienceChangesMark']>) {
    return this.campaigns.audienceChangesMark(...a);
  }
  loadSendContextSince(...a: Parameters<CampaignStore['loadSendContextSince']>) {
    return this.campaigns.loadSendContextSince(...a);
  }
  suspendSnapshot(...a: Parameters<CampaignStore['suspendSnapshot']>) {
    return this.campaigns.suspendSnapshot(...a);
  }
  getSnapshotProgress(...a: Parameters<CampaignStore['getSnapshotProgress']>) {
    return this.campaigns.getSnapshotProgress(...a);
  }
}

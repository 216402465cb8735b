/**
 * Single-table keys. Access patterns (see docs/data-model.md):
 * - entity by id: pk = `<TYPE>#<id>`, sk = `#<TYPE>`
 * - members of a list by cursor: pk = `LIST#<listId>`, sk begins with `MEMBER#`
 * - members of a list counted by status: pk = `LIST#<listId>`, sk = `#COUNTS` (membership-counts.ts)
 * - lists of a subscriber: gsi1pk = `SUB#<subscriberId>`, gsi1sk = `LIST#<listId>`
 * - subscriber by email: pk = `EMAIL#<normalised email>` (uniqueness guard holding the id)
 * - releases by brand and date: gsi1pk = `BRAND#<brandId>#RELEASES`, gsi1sk = `<date>#<id>`
 * - recipients of a campaign: pk = `CAMPAIGN#<id>`, sk begins with `RCPT#`
 * - suppression, transient bounces, rate limits: keyed by `addressKey` (HMAC-SHA256 with the
 *   secret pepper), never by the address or a plain hash of it: the caller passes the HMAC
 */
export const keys = {
  brand: (id: string) => ({ pk: `BRAND#${id}`, sk: '#BRAND' }),
  release: (id: string) => ({ pk: `RELEASE#${id}`, sk: '#RELEASE' }),
  releaseCoBrand: (id: string, brandId: string) => ({ pk: `RELEASE#${id}`, sk: `COBRAND#${brandId}` }),
  releaseVersion: (id: string, version: number) => ({ pk: `RELEASE#${id}`, sk: `VERSION#${String(version).padStart(6, '0')}` }),
  list: (id: string) => ({ pk: `LIST#${id}`, sk: '#LIST' }),
  /** Members of the list counted by status (see membership-counts.ts). */
  listCounts: (id: string) => ({ pk: `LIST#${id}`, sk: '#COUNTS' }),
  subscriber: (id: string) => ({ pk: `SUB#${id}`, sk: '#SUB' }),
  email: (email: string) => ({ pk: `EMAIL#${email}`, sk: '#EMAIL' }),
  membership: (listId: string, subscriberId: string) => ({ pk: `LIST#${listId}`, sk: `MEMBER#${subscriberId}` }),
  consent: (subscriberId: string, at: string, seq: string) => ({ pk: `SUB#${subscriberId}`, sk: `CONSENT#${at}#${seq}` }),
  seenEvent: (key: string) => ({ pk: `EVENT#${key}`, sk: '#EVENT' }),
  transientBounces: (hmac: string) => ({ pk: `BOUNCES#${hmac}`, sk: '#BOUNCES' }),
  audit: (month: string, at: string, seq: string) => ({ pk: `AUDIT#${month}`, sk: `${at}#${seq}` }),
  apiToken: (tokenHash: string) => ({ pk: `APITOKEN#${tokenHash}`, sk: '#APITOKEN' }),
  plan: (id: string) => ({ pk: `PLAN#${id}`, sk: '#PLAN' }),
  rate: (hmac: string, windowStart: number) => ({ pk: `RATE#${hmac}`, sk: `#${windowStart}` }),
  suppression: (hmac: string) => ({ pk: `SUPPRESSED#${hmac}`, sk: '#SUPPRESSED' }),
  campaign: (id: string) => ({ pk: `CAMPAIGN#${id}`, sk: '#CAMPAIGN' }),
  compiledMail: (campaignId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: '#MAIL' }),
  recipient: (campaignId: string, subscriberId: string) => ({ pk: `CAMPAIGN#${campaignId}`, sk: `RCPT#${subscriberId}` }),
} as const;

export const gsi = {
  brands: 'BRANDS',
  lists: 'LISTS',
  campaigns: 'CAMPAIGNS',
  plans: 'PLANS',
  releasesOfBrand: (brandId: string) => `BRAND#${brandId}#RELEASES`,
  listsOfSubscriber: (subscriberId: string) => `SUB#${subscriberId}`,
} as const;

export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeCursor(cursor: string | undefined): Record<string, unknown> | undefined {
  if (!cursor) return undefined;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (parsed && typeof parsed === 'object') return parsed as Record<string, unknown>;
  } catch {
    // fall through to the error below
  }
  throw new InvalidCursorError(cursor);
}

export class InvalidCursorError extends Error {
  constructor(cursor: string) {
    super(`invalid pagination cursor: ${cursor.slice(0, 40)}`);
    this.name = 'InvalidCursorError';
  }
}

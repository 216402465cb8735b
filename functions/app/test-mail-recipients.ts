import { z } from 'zod';
import { type Actor, assertCan } from '../domain/actor';
import { normaliseEmail } from '../domain/email-address';
import { audit } from './audit-log';
import type { AppDeps } from './deps';

/** The setting holding the addresses, besides each sender's own, that test mails may go to. */
export const testRecipientsSetting = 'test-mail-recipients';

export const testRecipientsInputSchema = z.object({
  addresses: z.array(z.string().max(320)).max(200, '200 adresses au plus'),
});

/** Normalised addresses an admin allowed for test mails (a shared proofreading box, a colleague's). */
export async function getTestRecipients(deps: Pick<AppDeps, 'store'>): Promise<string[]> {
  const value = await deps.store.getSetting(testRecipientsSetting);
  const parsed = z.object({ addresses: z.array(z.string()) }).safeParse(value);
  return parsed.success ? parsed.data.addresses : [];
}

/** Replaces the allow-list (admin only); each address is checked and normalised, duplicates merged. */
export async function setTestRecipients(deps: AppDeps, actor: Actor, raw: unknown): Promise<string[]> {
  assertCan(actor, 'settings:manage');
  const { addresses } = testRecipientsInputSchema.parse(raw);
  const normalised = [...new Set(addresses.map((a, i) => normaliseEmail(a, `addresses.${i}`)))].sort();
  await deps.store.putSetting(testRecipientsSetting, { addresses: normalised }, deps.clock.now().toISOString());
  await audit(deps, actor, 'settings.test_recipients', 'setting', testRecipientsSetting, `${normalised.length} adresse(s)`);
  return normalised;
}

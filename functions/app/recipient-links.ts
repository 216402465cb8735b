import { signToken } from '../domain/tokens';
import type { SendDeps } from './deps';

/**
 * Links that act for one recipient without a login: HMAC-signed, so they cannot be forged.
 * The preferences link carries its issue date and works for a year (preferencesLinkMaxAgeSeconds):
 * each mail renews it. The unsubscribe link never expires (a mail read years later must still
 * let its reader leave).
 */
export function recipientLinks(
  deps: Pick<SendDeps, 'tokenKeys' | 'publicBaseUrl' | 'clock'>,
  subscriberId: string,
  campaignId?: string,
): { unsubscribeUrl: string; preferencesUrl: string } {
  const unsubscribe = signToken({ purpose: 'unsubscribe', subscriberId, campaignId }, deps.tokenKeys);
  const iat = Math.floor(deps.clock.now().getTime() / 1000);
  const preferences = signToken({ purpose: 'preferences', subscriberId, iat }, deps.tokenKeys);
  return {
    unsubscribeUrl: `${deps.publicBaseUrl}/unsubscribe/${unsubscribe}`,
    preferencesUrl: `${deps.publicBaseUrl}/preferences/${preferences}`,
  };
}

/** RFC 8058: the https URL for one-click POST, announced by List-Unsubscribe-Post. */
export function unsubscribeHeaders(unsubscribeUrl: string): { name: string; value: string }[] {
  return [
    { name: 'List-Unsubscribe', value: `<${unsubscribeUrl}>` },
    { name: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' },
  ];
}

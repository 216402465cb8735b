import * as client from 'openid-client';
import type { OidcRoleMapping } from '../../app/oidc-sign-in';
import { isLoopbackHttp, type OidcConfig } from '../../config';

/** Leaving for the provider: the URL to send the browser to, and what to check when it comes back. */
export interface AuthorizationStart {
  readonly url: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/**
 * The workspace as an OpenID Connect relying party: authorization code flow with PKCE (S256),
 * state and nonce. The library (openid-client) checks the provider's answer: state, issuer,
 * the code exchange, the ID token's signature against the provider's keys, its audience,
 * expiry and nonce.
 */
export interface OidcRelyingParty {
  readonly mapping: OidcRoleMapping;
  start(redirectUri: string): Promise<AuthorizationStart>;
  /**
   * The validated ID token's claims, from the provider's redirect back (`query`: its query
   * string). Throws when anything does not check out (the provider said no, state, code, token).
   */
  finish(
    redirectUri: string,
    query: string,
    expected: { state: string; nonce: string; codeVerifier: string },
  ): Promise<Record<string, unknown>>;
}

/** The scopes asked for: the person's address and name; the role claim is expected in the ID token. */
const scope = 'openid email profile';

export function openIdRelyingParty(config: OidcConfig): OidcRelyingParty {
  let discovered: Promise<client.Configuration> | undefined;
  // Discovery once per process; a failure is not remembered, so the next sign-in tries again.
  const configuration = () => {
    discovered ??= client
      .discovery(new URL(config.issuer), config.clientId, config.clientSecret, undefined, {
        execute: isLoopbackHttp(new URL(config.issuer)) ? [client.allowInsecureRequests] : [],
      })
      .catch((e: unknown) => {
        discovered = undefined;
        throw e;
      });
    return discovered;
  };

  return {
    mapping: { providerName: config.providerName, claim: config.roleClaim, map: config.roleMap },

    async start(redirectUri) {
      const c = await configuration();
      const codeVerifier = client.randomPKCECodeVerifier();
      const state = client.randomState();
      const nonce = client.randomNonce();
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state, nonce, codeVerifier };
    },

    async finish(redirectUri, query, expected) {
      const c = await configuration();
      // The URL registered with the provider, whatever host the request reached (CloudFront, API Gateway).
      const current = new URL(redirectUri);
      current.search = query;
      const tokens = await client.authorizationCodeGrant(c, current, {
        pkceCodeVerifier: expected.codeVerifier,
        expectedState: expected.state,
        expectedNonce: expected.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims) throw new Error('the provider answered without an ID token');
      return { ...claims };
    },
  };
}

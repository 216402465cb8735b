import { describe, expect, it } from 'vitest';
import { openPendingAuthorization, sealPendingAuthorization } from '../../../functions/adapters/oidc/pending-authorization';
import { type OidcRoleMapping, OidcSignInRefusedError, oidcSignIn, roleFromClaims } from '../../../functions/app/oidc-sign-in';
import { fakeDeps } from '../../support/fakes';

const mapping: OidcRoleMapping = {
  providerName: 'Annuaire',
  claim: 'groups',
  map: { 'communication-direction': 'reviewer', presse: 'publisher', admins: 'admin', redaction: 'editor' },
};
const person = { sub: 's1', email: 'a.b@departement.example', email_verified: true, name: 'A B' };

describe('roleFromClaims', () => {
  it('maps a list or a single value, the broadest role winning, unknown values ignored', () => {
    expect(roleFromClaims({ groups: ['redaction', 'presse', 'autre'] }, mapping)).toBe('publisher');
    expect(roleFromClaims({ groups: ['communication-direction', 'redaction'] }, mapping)).toBe('reviewer');
    expect(roleFromClaims({ groups: 'admins' }, mapping)).toBe('admin');
    expect(roleFromClaims({ groups: ['autre'] }, mapping)).toBeUndefined();
    expect(roleFromClaims({}, mapping)).toBeUndefined();
    // Only own keys of the mapping count.
    expect(roleFromClaims({ groups: ['constructor', '__proto__', 'toString'] }, mapping)).toBeUndefined();
  });
});

describe('oidcSignIn', () => {
  it('refuses an address the provider has not verified, and an absent one, creating nothing', async () => {
    const { deps, users } = fakeDeps();
    await expect(oidcSignIn(deps, { claims: { ...person, email_verified: false, groups: ['presse'] }, mapping })).rejects.toThrow(
      /adresse e-mail vérifiée/,
    );
    await expect(oidcSignIn(deps, { claims: { sub: 's1', groups: ['presse'] }, mapping })).rejects.toBeInstanceOf(OidcSignInRefusedError);
    expect(users.users.size).toBe(0);
  });

  it('refuses a deactivated account even with a mapped group', async () => {
    const { deps, users } = fakeDeps();
    await oidcSignIn(deps, { claims: { ...person, groups: ['presse'] }, mapping });
    const account = await users.getUserByEmail('a.b@departement.example');
    await users.changeUser(account?.id ?? '', { status: 'deactivated' }, new Date().toISOString());
    await expect(oidcSignIn(deps, { claims: { ...person, groups: ['presse'] }, mapping })).rejects.toThrow(/a été désactivé/);
  });

  it('activates an invited account and leaves the role alone when it already matches', async () => {
    const { deps, users } = fakeDeps();
    const at = new Date().toISOString();
    await users.createUser({
      id: 'u1',
      email: 'a.b@departement.example',
      name: 'A B',
      role: 'editor',
      status: 'invited',
      sessionEpoch: 0,
      createdAt: at,
      updatedAt: at,
    });
    const signed = await oidcSignIn(deps, { claims: { ...person, groups: ['redaction'] }, mapping });
    expect(signed.user).toMatchObject({ id: 'u1', role: 'editor', status: 'active' });
  });
});

describe('the pending authorization cookie', () => {
  const ring = { currentKeyId: 'k2', keys: { k1: 'ancienne', k2: 'nouvelle' } };
  const pending = { state: 's', nonce: 'n', codeVerifier: 'v', retour: '/', exp: 1000 };

  it('opens what it sealed until it expires, and nothing altered or signed with an unknown key', () => {
    const sealed = sealPendingAuthorization(pending, ring);
    expect(openPendingAuthorization(sealed, ring, 999)).toEqual(pending);
    expect(openPendingAuthorization(sealed, ring, 1001)).toBeUndefined();
    expect(openPendingAuthorization(sealed, { currentKeyId: 'k1', keys: { k1: 'ancienne' } }, 999)).toBeUndefined();
    const [kid, , sig] = sealed.split('.');
    const other = Buffer.from(JSON.stringify({ ...pending, retour: '/reglages' })).toString('base64url');
    expect(openPendingAuthorization(`${kid}.${other}.${sig}`, ring, 999)).toBeUndefined();
    expect(openPendingAuthorization(undefined, ring, 999)).toBeUndefined();
  });
});

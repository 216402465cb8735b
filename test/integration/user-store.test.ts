import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import { DynamoUserStore, userKeys } from '../../functions/adapters/dynamodb/user-store';
import { acceptInvitation } from '../../functions/app/accept-invitation';
import { inviteUser } from '../../functions/app/invite-user';
import { changeUserRole, deactivateUser } from '../../functions/app/manage-users';
import { signIn } from '../../functions/app/sign-in';
import { signOut } from '../../functions/app/sign-out';
import { resolveSession, sessionIdOf } from '../../functions/app/workspace-sessions';
import { bootstrapAdmin } from '../../functions/domain/actor';
import { hashPassword } from '../../functions/domain/password-hash';
import { EmailTakenError, sessionLifetime, type UserAccount } from '../../functions/domain/user-account';
import type { UserStore } from '../../functions/ports';
import { ensureLocalFirstAdmin, readFirstAdmin } from '../../local/first-admin';
import { freshTable } from '../support/emulator-context';
import { fakeDeps, testBrand } from '../support/fakes';
import { InMemoryUserStore } from '../support/in-memory-user-store';

let client: DynamoDBClient;
let tableName: string;
let users: UserStore;
let ctx: ReturnType<typeof fakeDeps>;

/** The same cases run on DynamoDB Local and on the in-memory fake the route tests use (a contract suite). */
const adapters = ['dynamodb', 'memory'] as const;

async function setUp(adapter: (typeof adapters)[number]) {
  let n = 0;
  if (adapter === 'dynamodb') {
    ({ client, tableName } = await freshTable('users'));
    users = new DynamoUserStore(client, tableName);
    ctx = fakeDeps({ store: new DynamoStore(client, tableName), users, newId: () => `user-${++n}` });
  } else {
    users = new InMemoryUserStore();
    ctx = fakeDeps({ users, newId: () => `user-${++n}` });
  }
  await ctx.deps.store.putBrand(testBrand);
}

const rawItem = async (key: { pk: string; sk: string }) =>
  (await DynamoDBDocumentClient.from(client).send(new GetCommand({ TableName: tableName, Key: key, ConsistentRead: true }))).Item;

async function activeUser(over: Partial<UserAccount> = {}): Promise<UserAccount> {
  const at = ctx.clock.now().toISOString();
  const user: UserAccount = {
    id: 'anne',
    email: 'anne@example.org',
    name: 'Anne Martin',
    role: 'editor',
    status: 'active',
    passwordHash: await hashPassword('un mot de passe solide', { logN: 10, r: 8, p: 1 }),
    sessionEpoch: 0,
    createdAt: at,
    updatedAt: at,
    ...over,
  };
  await users.createUser(user);
  return user;
}

describe.each(adapters)('user store contract: %s', (name) => {
  beforeEach(() => setUp(name));

  describe('accounts', () => {
    it('finds an account by id and by address, lists by name, and refuses a second account on the same address', async () => {
      await activeUser();
      await activeUser({ id: 'bruno', email: 'bruno@example.org', name: 'Bruno Petit' });

      await expect(activeUser({ id: 'other' })).rejects.toBeInstanceOf(EmailTakenError);
      expect((await users.getUserByEmail('anne@example.org'))?.id).toBe('anne');
      expect((await users.getUser('bruno'))?.name).toBe('Bruno Petit');
      expect((await users.listUsers()).map((u) => u.id)).toEqual(['anne', 'bruno']);
      expect(await users.getUser('other')).toBeUndefined();
    });

    it('makes the first account once, even when two starts race', async () => {
      const first = (id: string): UserAccount => ({
        id,
        email: `${id}@example.org`,
        name: id,
        role: 'admin',
        status: 'active',
        sessionEpoch: 0,
        createdAt: 'x',
        updatedAt: 'x',
      });

      const results = await Promise.all([users.createFirstUser(first('a1')), users.createFirstUser(first('a2'))]);

      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await users.listUsers()).toHaveLength(1);
      expect(await users.createFirstUser(first('a3'))).toBe(false);
    });
  });

  describe('sessions', () => {
    it('sign-out ends every session of the person at once', async () => {
      await activeUser();
      await activeUser({ id: 'bruno', email: 'bruno@example.org', name: 'Bruno Petit' });
      const sign = (email: string) => signIn(ctx.deps, { email, password: 'un mot de passe solide', client: '192.0.2.1' });
      const [laptop, phone, bruno] = [await sign('anne@example.org'), await sign('anne@example.org'), await sign('bruno@example.org')];

      await signOut(ctx.deps, laptop.cookieValue);

      expect(await resolveSession(ctx.deps, laptop.cookieValue)).toBeUndefined();
      expect(await resolveSession(ctx.deps, phone.cookieValue)).toBeUndefined();
      expect(await resolveSession(ctx.deps, bruno.cookieValue)).toBeDefined();
      expect(await rawItem(userKeys.session(laptop.session.id))).toBeUndefined();
    });

    it('a change of role and a deactivation end the sessions; a deactivated account cannot sign in', async () => {
      await activeUser({ id: 'boss', email: 'boss@example.org', name: 'Cheffe', role: 'admin' });
      await activeUser();
      const sign = () => signIn(ctx.deps, { email: 'anne@example.org', password: 'un mot de passe solide', client: '192.0.2.1' });
      const before = await sign();

      await changeUserRole(ctx.deps, { id: 'boss', name: 'Cheffe', role: 'admin' }, 'anne', 'publisher');
      expect(await resolveSession(ctx.deps, before.cookieValue)).toBeUndefined();
      const after = await sign();
      expect((await resolveSession(ctx.deps, after.cookieValue))?.user.role).toBe('publisher');

      await deactivateUser(ctx.deps, { id: 'boss', name: 'Cheffe', role: 'admin' }, 'anne');
      expect(await resolveSession(ctx.deps, after.cookieValue)).toBeUndefined();
      await expect(sign()).rejects.toThrow('Adresse e-mail ou mot de passe incorrect.');
    });

    it('ends a session left idle 12 hours', async () => {
      await activeUser();
      const opened = await signIn(ctx.deps, { email: 'anne@example.org', password: 'un mot de passe solide', client: '192.0.2.1' });

      ctx.clock.advance(11 * 3600 * 1000);
      expect(await resolveSession(ctx.deps, opened.cookieValue)).toBeDefined();
      ctx.clock.advance(11 * 3600 * 1000);
      expect(await resolveSession(ctx.deps, opened.cookieValue)).toBeDefined();
      ctx.clock.advance(12 * 3600 * 1000);
      expect(await resolveSession(ctx.deps, opened.cookieValue)).toBeUndefined();
    });
  });

  describe('invitations', () => {
    it('an invitation link activates the account once, even submitted twice at the same moment', async () => {
      const { link } = await inviteUser(ctx.deps, bootstrapAdmin, { name: 'Bruno Petit', email: 'bruno@example.org', role: 'reviewer' });
      const token = link.split('/invitation/')[1] as string;
      const input = { password: 'une phrase assez longue', confirmation: 'une phrase assez longue' };

      const results = await Promise.allSettled([acceptInvitation(ctx.deps, token, input), acceptInvitation(ctx.deps, token, input)]);

      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const bruno = await users.getUserByEmail('bruno@example.org');
      expect(bruno?.status).toBe('active');
      expect(bruno?.invitationNonce).toBeUndefined();
      await expect(acceptInvitation(ctx.deps, token, input)).rejects.toThrow('Cette invitation a déjà servi');
    });
  });
});

describe('sessions in the table', () => {
  beforeEach(() => setUp('dynamodb'));

  it('stores only the hash of the cookie token, with a TTL at its absolute end', async () => {
    await activeUser();

    const opened = await signIn(ctx.deps, { email: 'anne@example.org', password: 'un mot de passe solide', client: '192.0.2.1' });

    expect(await rawItem(userKeys.session(opened.cookieValue))).toBeUndefined();
    const item = await rawItem(userKeys.session(sessionIdOf(opened.cookieValue)));
    expect(item?.userId).toBe('anne');
    expect(item?.ttl).toBe(Math.floor(ctx.clock.now().getTime() / 1000) + sessionLifetime.absoluteSeconds);
    expect(JSON.stringify(item)).not.toContain(opened.cookieValue);
    expect((await resolveSession(ctx.deps, opened.cookieValue))?.user).toEqual({
      id: 'anne',
      name: 'Anne Martin',
      role: 'editor',
      email: 'anne@example.org',
    });
  });
});

describe('first admin (npm start), on DynamoDB Local', () => {
  beforeEach(() => setUp('dynamodb'));

  it('is created once, with its sign-in in first-admin.json readable by its owner only', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'communique-first-admin-'));

    const first = await ensureLocalFirstAdmin(ctx.deps, dataDir, {});
    const second = await ensureLocalFirstAdmin(ctx.deps, dataDir, {});

    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(statSync(first.file).mode & 0o777).toBe(0o600);
    const credentials = readFirstAdmin(dataDir);
    expect(credentials?.email).toBe('admin@communique.localhost');
    expect(credentials?.password.length).toBeGreaterThanOrEqual(12);
    expect(second.credentials).toEqual(credentials);
    expect(await users.listUsers()).toHaveLength(1);
    const opened = await signIn(ctx.deps, { ...(credentials as { email: string; password: string }), client: '192.0.2.1' });
    expect((await resolveSession(ctx.deps, opened.cookieValue))?.user.role).toBe('admin');
  });

  it('takes COMMUNIQUE_ADMIN_EMAIL and COMMUNIQUE_ADMIN_PASSWORD', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'communique-first-admin-'));

    const r = await ensureLocalFirstAdmin(ctx.deps, dataDir, {
      COMMUNIQUE_ADMIN_EMAIL: 'Presse@Departement41.fr',
      COMMUNIQUE_ADMIN_PASSWORD: 'mot de passe choisi par env',
    });

    expect(r.created).toBe(true);
    expect(readFirstAdmin(dataDir)).toEqual({ email: 'presse@departement41.fr', password: 'mot de passe choisi par env' });
    const opened = await signIn(ctx.deps, {
      email: 'presse@departement41.fr',
      password: 'mot de passe choisi par env',
      client: '192.0.2.1',
    });
    expect(opened.user.role).toBe('admin');
  });

  it('is not created when an account exists already', async () => {
    await activeUser();
    const dataDir = mkdtempSync(join(tmpdir(), 'communique-first-admin-'));

    const r = await ensureLocalFirstAdmin(ctx.deps, dataDir, { COMMUNIQUE_ADMIN_PASSWORD: 'mot de passe choisi par env' });

    expect(r.created).toBe(false);
    expect(readFirstAdmin(dataDir)).toBeUndefined();
    expect(await users.listUsers()).toHaveLength(1);
  });
});

import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { signupLimits } from '../../../functions/app/subscribe';
import { buildHttpApp } from '../../../functions/http/app';
import { fakeDeps, testBrand } from '../../support/fakes';
import { workspaceHarness } from '../../support/workspace-harness';

/**
 * The public sign-up counts posts per client with the address the runtime saw (the workspace's
 * ClientAddress), so a client that writes a new X-Forwarded-For on every post is still limited.
 */
const form = (email: string) => new URLSearchParams({ email, listIds: 'presse-publique' }).toString();

async function withPublicList(ctx: Awaited<ReturnType<typeof workspaceHarness>> | ReturnType<typeof fakeDeps>) {
  await ctx.store.putBrand(testBrand);
  await ctx.store.createList({
    id: 'presse-publique',
    name: 'Communiqués',
    description: '',
    kind: 'press',
    optIn: 'double',
    publicSignup: true,
    createdAt: ctx.clock.now().toISOString(),
  });
}

describe('public sign-up rate limit and the client address', () => {
  it('a forged X-Forwarded-For on every post does not dodge the limit; another client is not limited', async () => {
    const h = await workspaceHarness();
    await withPublicList(h);
    const post = (i: number, client: string) =>
      h.app.request('/subscribe', {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-test-client': client,
          'x-forwarded-for': `203.0.113.${i}, 192.0.2.99`,
        },
        body: form(`r${i}@example.org`),
      });

    const statuses: number[] = [];
    for (let i = 0; i <= signupLimits.perIp; i++) statuses.push((await post(i, '198.51.100.7')).status);
    const other = await post(200, '198.51.100.8');

    expect(statuses.slice(0, signupLimits.perIp).every((s) => s === 200)).toBe(true);
    expect(statuses[signupLimits.perIp]).toBe(429);
    expect(await (await post(201, '198.51.100.7')).text()).toContain('Trop de demandes');
    expect(other.status).toBe(200);
  });

  it('locally (npm start), the socket address is the client: forged headers change nothing', async () => {
    const ctx = fakeDeps();
    await withPublicList(ctx);
    const app = buildHttpApp(ctx.deps, { adminToken: 'root', health: async () => ({}), logError: (e) => console.error(e) });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    const { port } = server.address() as AddressInfo;
    try {
      const statuses: number[] = [];
      for (let i = 0; i <= signupLimits.perIp; i++) {
        const r = await fetch(`http://127.0.0.1:${port}/subscribe`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': `203.0.113.${i}` },
          body: form(`s${i}@example.org`),
        });
        statuses.push(r.status);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(signupLimits.perIp);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

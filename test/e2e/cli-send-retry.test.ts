import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freshTable, localConfigFor, outboxFor, uniqueDomain } from '../support/emulator-context';
import { freePort } from '../support/free-port';
import { runCli } from '../support/run-cli';

const _projectDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * In front of the app: forwards every request, but for the first `POST /api/campaigns` it lets
 * the app do the work and loses the answer (502), as a timed-out gateway would.
 */
function answerLosingProxy(target: string): { server: Server; campaignPosts: (string | undefined)[] } {
  const campaignPosts: (string | undefined)[] = [];
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = Object.fromEntries(
      Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && !['host', 'connection', 'content-length'].includes(k)),
    ) as Record<string, string>;
    const upstream = await fetch(`${target}${req.url}`, {
      method: req.method,
      headers,
      body: chunks.length ? Buffer.concat(chunks) : undefined,
    });
    const body = Buffer.from(await upstream.arrayBuffer());
    if (req.method === 'POST' && req.url === '/api/campaigns') {
      campaignPosts.push(req.headers['idempotency-key'] as string | undefined);
      if (campaignPosts.length === 1) {
        res.writeHead(502, { 'content-type': 'text/plain' }).end('bad gateway');
        return;
      }
    }
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' }).end(body);
  });
  return { server, campaignPosts };
}

describe('communique send: the answer to the launch is lost', () => {
  let runtime: RunningRuntime;
  let dataDir: string;
  let proxy: ReturnType<typeof answerLosingProxy>;
  let proxyUrl: string;

  beforeAll(async () => {
    const { tableName } = await freshTable('cli-retry');
    dataDir = mkdtempSync(join(tmpdir(), 'communique-cli-retry-'));
    runtime = await startRuntime(localConfigFor(tableName, { port: await freePort(), dataDir }));
    proxy = answerLosingProxy(runtime.appUrl);
    const port = await freePort();
    await new Promise<void>((r) => proxy.server.listen(port, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    proxy?.server.close();
    await runtime?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('always sends an idempotency key and retries with the same one: one campaign, one mail each', async () => {
    const api = async <T>(method: string, path: string, body?: unknown): Promise<T> =>
      (await (
        await fetch(`${runtime.appUrl}${path}`, {
          method,
          headers: { authorization: `Bearer ${runtime.adminToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json()) as T;
    const domain = uniqueDomain();
    const list = await api<{ id: string }>('POST', '/api/lists', { name: 'Presse retry', kind: 'press', optIn: 'single' });
    for (const name of ['alice', 'bruno']) await api('POST', `/api/lists/${list.id}/subscribers`, { email: `${name}@${domain}` });
    const release = await api<{ id: string }>('POST', '/api/releases', { brandId: 'cd41', title: 'Réessai sans doublon' });

    const sent = await runCli(['send', release.id, '--list', list.id, '--yes', '--watch'], {
      COMMUNIQUE_API_URL: proxyUrl,
      COMMUNIQUE_ADMIN_TOKEN: runtime.adminToken,
    });

    expect(sent.code).toBe(0);
    expect(proxy.campaignPosts).toHaveLength(2);
    expect(proxy.campaignPosts[0]).toMatch(/^[\w-]{8,}$/);
    expect(proxy.campaignPosts[1]).toBe(proxy.campaignPosts[0]);
    const { items } = await api<{ items: { releaseId: string }[] }>('GET', '/api/campaigns');
    expect(items.filter((c) => c.releaseId === release.id)).toHaveLength(1);
    const mails = await outboxFor(domain);
    expect(mails.map((m) => m.destination.to[0]).sort()).toEqual([`alice@${domain}`, `bruno@${domain}`]);
  });
});

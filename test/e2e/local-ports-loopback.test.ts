import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadLocalConfig } from '../../functions/config';
import { type RunningRuntime, startRuntime } from '../../local/runtime';
import { freePort } from '../support/free-port';

const dataDir = mkdtempSync(join(tmpdir(), 'communique-loopback-'));
let runtime: RunningRuntime | undefined;
afterAll(async () => {
  await runtime?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// /proc/net/tcp{,6} write addresses as the kernel holds them: 32-bit words in host (little-endian) order.
const LOOPBACK_ADDRESSES = new Set([
  '0100007F', // 127.0.0.1
  '0000000000000000FFFF00000100007F', // ::ffff:127.0.0.1 (Java binds IPv4 loopback through an IPv6 socket)
  '00000000000000000000000001000000', // ::1
]);
const LISTEN = '0A';

/** Local addresses of every socket listening on `port`, as /proc/net writes them. */
function listeningAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const [, local, , state] = line.trim().split(/\s+/);
      if (!local || state !== LISTEN) continue;
      const [address, p] = local.split(':');
      if (p === hexPort && address) found.push(address);
    }
  }
  return found;
}

describe('npm start on this machine', () => {
  it('listens on 127.0.0.1 only: the app, DynamoDB Local and the SES emulator', async () => {
    const ports = { app: await freePort(), dynamo: await freePort(), ses: await freePort() };
    const config = loadLocalConfig({
      PORT: String(ports.app),
      DYNAMODB_PORT: String(ports.dynamo),
      SES_PORT: String(ports.ses),
      DATA_DIR: dataDir,
      COMMUNIQUE_ADMIN_TOKEN: 'loopback-token',
    });

    runtime = await startRuntime(config);

    for (const [name, port] of Object.entries(ports)) {
      const addresses = listeningAddresses(port);
      expect(addresses, `${name} (port ${port}) is listening`).not.toEqual([]);
      expect(
        addresses.filter((a) => !LOOPBACK_ADDRESSES.has(a)),
        `${name} (port ${port}) listens beyond loopback`,
      ).toEqual([]);
    }
    expect((await fetch(`http://127.0.0.1:${ports.app}/healthz`)).status).toBe(200);
  }, 120_000);
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadAwsConfig, loadLocalConfig } from '../../functions/config';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { demoMainBrandId, loadDemoData } from '../../local/demo-data';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer } from '../support/fakes';

const secrets = { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } };
const aws = {
  AWS_REGION: 'eu-west-3',
  TABLE_NAME: 'communique',
  SEND_QUEUE_URL: 'https://sqs.eu-west-3.amazonaws.com/123/send',
  PUBLIC_BASE_URL: 'https://presse.example.fr/',
  TOKEN_KEYS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-3:123:secret:keys',
};

let wiring: LocalWiring | undefined;
afterEach(() => wiring?.close());

/** The brand name in the frame's header of the sign-in page. */
async function frameBrandOf(brandId: string | undefined): Promise<string> {
  const { tableName } = await freshTable('frame');
  wiring = buildLocalWiring(localConfigFor(tableName, brandId ? { brandId } : {}), secrets, fakeRenderer, {
    mediaDir: mkdtempSync(join(tmpdir(), 'frame-media-')),
  });
  await loadDemoData(wiring.deps);
  const page = await (await wiring.http.request('/connexion')).text();
  return /<span class="brand-name">([^<]*)<\/span>/.exec(page)?.[1] ?? '';
}

describe('the brand the workspace frame shows (COMMUNIQUE_BRAND_ID)', () => {
  it('is read from COMMUNIQUE_BRAND_ID in both runtimes, optional', () => {
    expect(loadAwsConfig({ ...aws, COMMUNIQUE_BRAND_ID: 'cd41' }).brandId).toBe('cd41');
    expect(loadAwsConfig(aws).brandId).toBeUndefined();
    expect(loadLocalConfig({ COMMUNIQUE_BRAND_ID: ' cd37 ' }).brandId).toBe('cd37');
    expect(loadLocalConfig({}).brandId).toBeUndefined();
  });

  it('shows the configured brand, not the first in the table, on DynamoDB Local with the demo data', async () => {
    // cd37 (Indre-et-Loire) sorts first in the table: without a configured brand, the frame shows it.
    expect(await frameBrandOf(undefined)).toContain('Indre-et-Loire');
    wiring?.close();
    expect(await frameBrandOf(demoMainBrandId)).toBe('Conseil départemental de Loir-et-Cher');
    wiring?.close();
    expect(await frameBrandOf('cd37')).toContain('Indre-et-Loire');
  });

  it('falls back to the first brand when the configured one is not in the table', async () => {
    expect(await frameBrandOf('inconnue')).toContain('Indre-et-Loire');
  });
});

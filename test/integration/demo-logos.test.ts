import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { loadDemoData } from '../../local/demo-data';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer } from '../support/fakes';

let wiring: LocalWiring | undefined;
afterAll(() => wiring?.close());

describe('demo brand logos (local/demo/logo-*.png) in the media library', () => {
  it('puts each logo in the library, points the brand at its absolute served URL, and loads nothing twice', async () => {
    const { tableName } = await freshTable('logos');
    const config = localConfigFor(tableName, { publicBaseUrl: 'http://localhost:3999' });
    wiring = buildLocalWiring(config, { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } }, fakeRenderer, {
      mediaDir: mkdtempSync(join(tmpdir(), 'demo-logos-')),
    });
    const { deps, http } = wiring;

    expect(await loadDemoData(deps)).toBe(true);
    const brands = await deps.store.listBrands();
    for (const id of ['cd41', 'cd37']) {
      const logo = brands.find((b) => b.id === id)?.logo;
      expect(logo?.url).toMatch(/^http:\/\/localhost:3999\/media\/[^/]+\/logo-cd\d\d\.png$/);
      expect(logo?.alt).toBeTruthy();
      const served = await http.request(new URL(logo?.url ?? '').pathname);
      expect(served.status).toBe(200);
      expect(served.headers.get('content-type')).toBe('image/png');
      expect(Buffer.from(await served.arrayBuffer()).equals(readFileSync(`local/demo/logo-${id}.png`))).toBe(true);
    }
    const cd41 = brands.find((b) => b.id === 'cd41');
    expect(cd41?.logo?.alt).toBe('Loir-et-Cher, le Département');
    const library = await deps.media.listMedia();
    expect(library.items.map((m) => m.filename).sort()).toEqual(['logo-cd37.png', 'logo-cd41.png']);

    // A second start: nothing loaded again, no second copy of the logos.
    expect(await loadDemoData(deps)).toBe(false);
    expect((await deps.media.listMedia()).items).toHaveLength(2);
  });
});

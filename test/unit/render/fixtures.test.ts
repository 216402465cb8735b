import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { brandSchema } from '../../../functions/domain/brand';
import { releaseContentSchema } from '../../../functions/domain/release';
import { fixturePath, seed000, seed001 } from '../../fixtures/seeds';

const demoPath = (name: string) => fileURLToPath(new URL(`../../../local/demo/${name}`, import.meta.url));

describe('seed fixtures', () => {
  it.each(['seed-000.json', 'seed-001.json', 'brands.json'])('the demo data of npm start holds the same %s as the fixtures', (name) => {
    expect(readFileSync(demoPath(name), 'utf8')).toBe(readFileSync(fixturePath(name), 'utf8'));
  });

  it('are valid releases of the proper kinds', () => {
    expect(seed000).toMatchObject({ kind: 'press-release', dateline: { city: 'Blois', date: '2023-03-06' } });
    expect(seed000.pressContacts[0]).toMatchObject({ name: 'Flavien Cuperlier', email: 'flavien.cuperlier@departement41.fr' });
    expect(seed000.about[0]?.title).toMatch(/^Le CLTS 37\/41 : /);
    expect(seed000.quotes.map((q) => q.author)).toEqual(['Florence Doucet', 'Florence Doucet']);
    expect(seed001).toMatchObject({ kind: 'event-announcement', announcementType: 'invitation' });
    expect(seed001.event).toMatchObject({
      start: '2024-04-02T09:00',
      timeZone: 'Europe/Paris',
      venue: { name: 'Maison des Sports de Touraine' },
    });
    expect(seed001.event?.organiserContacts.map((c) => c.email)).toEqual([
      'CLTS37-41@departement-touraine.fr',
      'CLTS41-37@departement41.fr',
    ]);
    for (const name of ['seed-000.json', 'seed-001.json']) {
      expect(releaseContentSchema.safeParse(JSON.parse(readFileSync(demoPath(name), 'utf8'))).success).toBe(true);
    }
    const brands = (JSON.parse(readFileSync(demoPath('brands.json'), 'utf8')) as unknown[]).map((b) => brandSchema.parse(b));
    expect(brands.map((b) => b.id)).toEqual(['cd41', 'cd37']);
  });

  it('use only example.org / example.com addresses for invented people', () => {
    const invented =
      JSON.stringify(JSON.parse(readFileSync(fixturePath('brands.json'), 'utf8'))).match(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g) ?? [];
    // The press contact of the seed is real content; every other address is fictional.
    expect(invented.filter((a) => a !== 'flavien.cuperlier@departement41.fr').every((a) => /@example\.(org|com)$/.test(a))).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { AuditEntry } from '../../../functions/domain/audit';
import { workspaceHarness } from '../../support/workspace-harness';

const entry = (at: string, actorId: string, actorName: string, action: string, detail?: string): AuditEntry => ({
  at,
  actorId,
  actorName,
  action,
  entity: action.startsWith('token') ? 'token' : 'release',
  entityId: `e-${at.slice(8, 10)}`,
  detail,
});

async function seeded() {
  const h = await workspaceHarness();
  await h.store.appendAudit(entry('2026-03-02T08:00:00.000Z', 'u-claire', 'Claire Martin', 'release.created'));
  await h.store.appendAudit(entry('2026-03-03T10:30:00.000Z', 'u-bruno', 'Bruno Petit', 'release.approved', 'version 2'));
  await h.store.appendAudit(entry('2026-03-04T11:00:00.000Z', 'u-claire', 'Claire Martin', 'token.created', '=HYPERLINK("x")'));
  await h.store.appendAudit(entry('2026-02-20T09:00:00.000Z', 'u-claire', 'Claire Martin', 'release.created', 'février'));
  return h;
}

describe('audit log page', () => {
  it('shows the current month, newest first, with people and actions in French', async () => {
    const h = await seeded();

    const r = await h.as('publisher').get('/reglages/journal');
    const page = await r.text();

    expect(r.status).toBe(200);
    expect(page).toContain('<h1>Journal d’audit</h1>');
    expect(page).toContain('Journal de mars 2026, les plus récentes d’abord (3 entrées)');
    expect(page.indexOf('<td>Jeton d’API créé</td>')).toBeLessThan(page.indexOf('<td>Communiqué approuvé</td>'));
    expect(page.indexOf('<td>Communiqué approuvé</td>')).toBeGreaterThan(0);
    expect(page).toMatch(/le mardi 3\s?mars 2026 à 11\s?h\s?30 \(heure de Paris\)/);
    expect(page).toContain('<option value="u-bruno">Bruno Petit</option>');
    expect(page).not.toContain('février</td>');
  });

  it('filters by person, action and month', async () => {
    const h = await seeded();
    const pub = h.as('publisher');

    const byPerson = await (await pub.get('/reglages/journal?mois=2026-03&personne=u-claire')).text();
    const byAction = await (await pub.get('/reglages/journal?mois=2026-03&action=release.approved')).text();
    const february = await (await pub.get('/reglages/journal?mois=2026-02')).text();

    expect(byPerson).toContain('(2 entrées, filtrées)');
    expect(byPerson).not.toContain('Bruno Petit</td>');
    expect(byAction).toContain('(1 entrée, filtrées)');
    expect(byAction).toContain('Bruno Petit</td>');
    expect(february).toContain('Journal de février 2026');
    expect(february).toContain('février</td>');
  });

  it('says so when nothing matches, and refuses a malformed month in French', async () => {
    const h = await seeded();
    const pub = h.as('publisher');

    const empty = await (await pub.get('/reglages/journal?mois=2025-12')).text();
    const bad = await pub.get('/reglages/journal?mois=2026-13');

    expect(empty).toContain('Aucune entrée pour décembre 2025.');
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Mois invalide');
  });

  it('exports the filtered entries as CSV for French Excel, formulas defused', async () => {
    const h = await seeded();

    const r = await h.as('admin').get('/reglages/journal/export.csv?mois=2026-03&personne=u-claire');
    const bytes = new Uint8Array(await r.arrayBuffer());
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    const lines = text.slice(1).split('\r\n').filter(Boolean);

    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(r.headers.get('content-disposition')).toBe('attachment; filename="journal-2026-03.csv"');
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(lines[0]).toBe('Horodatage (UTC);Date (heure de Paris);Personne;Identifiant;Action;Code action;Objet;Identifiant objet;Détail');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toContain(';Claire Martin;u-claire;Jeton d’API créé;token.created;jeton;');
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
  });

  it('answers 403 to editors and reviewers, for the page and the export', async () => {
    const h = await seeded();

    for (const role of ['editor', 'reviewer'] as const) {
      const page = await h.as(role).get('/reglages/journal');
      expect(page.status).toBe(403);
      expect(await page.text()).toContain('Accès refusé');
      expect((await h.as(role).get('/reglages/journal/export.csv')).status).toBe(403);
    }
  });

  it('is linked from the settings index for publishers and admins only', async () => {
    const h = await seeded();

    expect(await (await h.as('publisher').get('/reglages')).text()).toContain('href="/reglages/journal"');
    expect(await (await h.as('editor').get('/reglages')).text()).not.toContain('href="/reglages/journal"');
  });
});

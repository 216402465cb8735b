import { describe, expect, it } from 'vitest';
import { type ImportRowOutcome, importContacts } from '../../../functions/app/import-contacts';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import type { ConsentRecord } from '../../../functions/domain/consent';
import { ValidationError } from '../../../functions/domain/errors';
import { fakeDeps, testBrand } from '../../support/fakes';

async function* csv(text: string): AsyncGenerator<Uint8Array> {
  yield new TextEncoder().encode(text);
}

const file = [
  'Adresse e-mail;Nom',
  'anne.roy@example.org;Anne Roy',
  'pas-une-adresse;Personne',
  'partie@example.org;Partie',
  '',
  'marc.lenoir@example.org;Marc Lenoir',
].join('\r\n');

describe('importContacts: the lawful basis chosen by the caller', () => {
  it('refuses legitimate interest on a list that is not a press list, before reading anything', async () => {
    const { deps, store } = fakeDeps();
    const list = await createList(deps, { name: 'Partenaires', kind: 'partners', optIn: 'single' });

    const refused = await importContacts(deps, list.id, csv(file), { lawfulBasis: 'legitimate-interest' }).catch((e: unknown) => e);

    expect(refused).toBeInstanceOf(ValidationError);
    expect((refused as ValidationError).message).toMatch(/^L’intérêt légitime ne vaut que pour les listes presse/);
    expect((await store.listMembers(list.id)).items).toEqual([]);
  });

  it('consent on a single opt-in press list: confirmed at once with a consent record, as addSubscriberToList does', async () => {
    const { deps, store, mailer } = fakeDeps();
    const imported = await createList(deps, { name: 'Presse (import)', kind: 'press', optIn: 'single' });
    const added = await createList(deps, { name: 'Presse (ajout)', kind: 'press', optIn: 'single' });

    const report = await importContacts(deps, imported.id, csv('Adresse e-mail\r\nanne.roy@example.org\r\n'), {
      lawfulBasis: 'consent',
      actor: 'Pia (import)',
    });
    const byHand = await addSubscriberToList(deps, added.id, {
      email: 'marc.lenoir@example.org',
      consent: { source: 'import', lawfulBasis: 'consent', actor: 'Pia (import)' },
    });

    const [member] = (await store.listMembers(imported.id)).items;
    const strip = ({ subscriberId: _, listId: __, at: ___, ...r }: ConsentRecord) => r;
    const importedConsent = (await store.listConsent(member?.subscriberId ?? '')).map(strip);
    const addedConsent = (await store.listConsent(byHand.subscriber?.id ?? '')).map(strip);
    expect(report).toMatchObject({ created: 1 });
    expect(report.confirmationsSent).toBeUndefined();
    expect(member?.status).toBe('confirmed');
    expect(member?.status).toBe(byHand.membership?.status);
    expect(importedConsent).toEqual([{ lawfulBasis: 'consent', source: 'import', event: 'imported', actor: 'Pia (import)' }]);
    expect(importedConsent).toEqual(addedConsent);
    expect(mailer.sent).toEqual([]);
  });

  it('consent on a double opt-in list: members unconfirmed, each sent the confirmation link once', async () => {
    const { deps, store, mailer } = fakeDeps();
    await store.putBrand(testBrand);
    const list = await createList(deps, { name: 'Lettre', kind: 'public', optIn: 'double' });

    const report = await importContacts(deps, list.id, csv(file), { lawfulBasis: 'consent' });
    const again = await importContacts(deps, list.id, csv(file), { lawfulBasis: 'consent' });

    const members = (await store.listMembers(list.id)).items;
    expect(members.map((m) => m.status)).toEqual(['unconfirmed', 'unconfirmed', 'unconfirmed']);
    expect(mailer.sent.map((m) => m.to).sort()).toEqual(['anne.roy@example.org', 'marc.lenoir@example.org', 'partie@example.org']);
    expect(report.confirmationsSent).toBe(3);
    expect(again).toMatchObject({ unchanged: 3, confirmationsSent: 0 });
    const consent = await store.listConsent(members[0]?.subscriberId ?? '');
    expect(consent).toEqual([expect.objectContaining({ lawfulBasis: 'consent', event: 'imported' })]);
  });

  it('without a chosen basis: the list’s default basis and no mail (as before)', async () => {
    const { deps, store, mailer } = fakeDeps();
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'double' });

    const report = await importContacts(deps, list.id, csv(file));

    const [member] = (await store.listMembers(list.id)).items;
    expect(report.confirmationsSent).toBeUndefined();
    expect(mailer.sent).toEqual([]);
    expect(await store.listConsent(member?.subscriberId ?? '')).toEqual([expect.objectContaining({ lawfulBasis: 'legitimate-interest' })]);
  });
});

describe('importContacts: the per-row outcome hook', () => {
  it('names each row’s line and outcome: created, rejected, skipped, then unchanged and updated on a second import', async () => {
    const { deps, store } = fakeDeps();
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    await store.suppress('partie@example.org', 'unsubscribed-all', '2026-01-01T00:00:00.000Z');
    const seen = (rows: [number, ImportRowOutcome, string | undefined][]) => (line: number, outcome: ImportRowOutcome, email?: string) =>
      rows.push([line, outcome, email]);

    const first: [number, ImportRowOutcome, string | undefined][] = [];
    await importContacts(deps, list.id, csv(file), { onRow: seen(first), chunkRows: 1 });
    const second: [number, ImportRowOutcome, string | undefined][] = [];
    await importContacts(deps, list.id, csv(file.replace('Anne Roy', 'Anne-Claire Roy')), { onRow: seen(second) });

    const byLine = (rows: typeof first) => [...rows].sort((a, b) => a[0] - b[0]);
    expect(byLine(first)).toEqual([
      [2, 'created', 'anne.roy@example.org'],
      [3, 'rejected', 'pas-une-adresse'],
      [4, 'skipped', 'partie@example.org'],
      [6, 'created', 'marc.lenoir@example.org'],
    ]);
    expect(byLine(second)).toEqual([
      [2, 'updated', 'anne.roy@example.org'],
      [3, 'rejected', 'pas-une-adresse'],
      [4, 'skipped', 'partie@example.org'],
      [6, 'unchanged', 'marc.lenoir@example.org'],
    ]);
  });
});

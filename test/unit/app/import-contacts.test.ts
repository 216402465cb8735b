import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { type ImportProgress, type ImportReport, importContacts } from '../../../functions/app/import-contacts';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { NotFoundError, ValidationError } from '../../../functions/domain/errors';
import { fakeDeps } from '../../support/fakes';

const fixture = (name: string) => readFileSync(fileURLToPath(new URL(`../../fixtures/csv/${name}`, import.meta.url)));

/** The bytes as a stream cut every `size` bytes: splits CRLF pairs, quoted fields and UTF-8 sequences. */
async function* chunked(bytes: Buffer, size = 64 * 1024): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function pressList() {
  const ctx = fakeDeps();
  const list = await createList(ctx.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
  return { ...ctx, list };
}

const frenchExcelColumns = [
  { header: 'Prénom', field: 'firstName' },
  { header: 'Nom', field: 'lastName' },
  { header: 'Adresse e-mail', field: 'email' },
  { header: 'Société', field: 'organisation' },
  { header: 'Fonction', field: 'role' },
  { header: 'Média', field: 'outlet' },
  { header: 'Type de média', field: 'mediumType' },
  { header: 'Département', field: 'department' },
  { header: 'Thématiques', field: 'tags' },
];

const frenchExcelRejected = [
  { line: 7, email: 'jerome.caille@example', reason: 'Adresse e-mail invalide : « jerome.caille@example »' },
  { line: 8, email: 'ANAIS.MOREAU@Radio-Plus.fr', reason: 'doublon de la ligne 5' },
  { line: 9, email: 'jean.long@example.org', reason: 'nom : trop long (300 caractères, 200 au plus)' },
  { line: 10, email: 'martin@example.org', reason: 'nom : ne doit pas contenir de balises' },
  { line: 17, reason: 'adresse e-mail manquante' },
  {
    line: 18,
    email: 'zoe.roux@example.org',
    reason: 'type de média inconnu : « Podcast » (attendu : presse écrite, radio, télé, web ou agence)',
  },
];

const frenchExcelReport = (encoding: string, counts: Partial<ImportReport> = {}): ImportReport =>
  ({
    rows: 14,
    created: 8,
    updated: 0,
    unchanged: 0,
    skippedSuppressed: 0,
    ...counts,
    rejected: frenchExcelRejected,
    format: { encoding, separator: ';', columns: frenchExcelColumns, ignoredColumns: ['Civilité', 'Téléphone', 'Adresse postale'] },
  }) as ImportReport;

describe('importContacts', () => {
  it('imports the French Excel export (Windows-1252, ;) with the exact report expected', async () => {
    // prepare
    const { deps, store, list } = await pressList();

    // act
    const report = await importContacts(deps, list.id, chunked(fixture('presse-excel-cp1252.csv')), { actor: 'admin : presse.csv' });

    // assess
    expect(report).toEqual(frenchExcelReport('windows-1252'));
    const elodie = await store.getSubscriberByEmail('elodie.lefevre@lanouvellerepublique.fr');
    expect(elodie).toMatchObject({
      name: 'Élodie Lefèvre',
      organisation: 'NR Communication',
      role: 'Journaliste',
      outlet: 'La Nouvelle République',
      mediumType: 'print',
      department: '41',
      tags: ['culture', 'patrimoine'],
    });
    expect(await store.getSubscriberByEmail('f.guerin@france3-regions.fr')).toMatchObject({
      mediumType: 'tv',
      tags: ['politique', 'économie'],
    });
    expect(await store.getSubscriberByEmail('lucas.petit@agence-centre.fr')).toMatchObject({
      mediumType: 'agency',
      tags: ['sport', 'faits divers'],
    });
    expect(await store.getSubscriberByEmail('lea.fabre@xn--mdias-41-b1a.fr')).toMatchObject({
      organisation: 'Cœur de Loire',
      outlet: 'L’Écho du Cher',
    });
    expect(await store.getSubscriberByEmail('ines.bernard@example.org')).toMatchObject({ mediumType: 'print' });
    expect(await store.getSubscriberByEmail('jean.long@example.org')).toBeUndefined();
    // line 11: the role typed over two lines in one cell (Alt+Enter) is one value
    expect(await store.getSubscriberByEmail('sophie.blanc@example.org')).toMatchObject({ role: 'Cheffe de service adjointe' });
    expect((await store.listMembers(list.id)).items).toHaveLength(8);
    expect(await store.listConsent(elodie?.id ?? '')).toEqual([
      expect.objectContaining({
        event: 'imported',
        source: 'import',
        listId: list.id,
        lawfulBasis: 'legitimate-interest',
        actor: 'admin : presse.csv',
      }),
    ]);
  });

  it('gives the same report for the UTF-8 with BOM variant', async () => {
    const { deps, store, list } = await pressList();

    const report = await importContacts(deps, list.id, chunked(fixture('presse-excel-utf8-bom.csv')));

    expect(report).toEqual(frenchExcelReport('utf-8'));
    expect((await store.getSubscriberByEmail('elodie.lefevre@lanouvellerepublique.fr'))?.name).toBe('Élodie Lefèvre');
  });

  it('reads the same rows however the stream is cut (CRLF, quotes and UTF-8 sequences split across chunks)', async () => {
    for (const [name, encoding] of [
      ['presse-excel-utf8-bom.csv', 'utf-8'],
      ['presse-excel-cp1252.csv', 'windows-1252'],
    ] as const) {
      for (const size of [1, 2, 3, 7]) {
        const { deps, store, list } = await pressList();

        const report = await importContacts(deps, list.id, chunked(fixture(name), size));

        expect(report, `${name} in ${size}-byte chunks`).toEqual(frenchExcelReport(encoding));
        expect((await store.getSubscriberByEmail('lea.fabre@xn--mdias-41-b1a.fr'))?.outlet).toBe('L’Écho du Cher');
      }
    }
  });

  it('reports every row unchanged when the same file is imported again', async () => {
    const { deps, list } = await pressList();
    await importContacts(deps, list.id, chunked(fixture('presse-excel-cp1252.csv')));

    const again = await importContacts(deps, list.id, chunked(fixture('presse-excel-utf8-bom.csv')));

    expect(again).toEqual(frenchExcelReport('utf-8', { created: 0, unchanged: 8 }));
  });

  it('counts an updated profile as updated', async () => {
    const { deps, store, list } = await pressList();
    await importContacts(deps, list.id, chunked(Buffer.from('email;fonction\r\nanne@example.org;Pigiste\r\n')));

    const report = await importContacts(deps, list.id, chunked(Buffer.from('email;fonction\r\nAnne@Example.org;Rédactrice en chef\r\n')));

    expect(report).toMatchObject({ rows: 1, created: 0, updated: 1, unchanged: 0, rejected: [] });
    expect((await store.getSubscriberByEmail('anne@example.org'))?.role).toBe('Rédactrice en chef');
  });

  it('never brings back a suppressed or unsubscribed address', async () => {
    const { deps, store, list } = await pressList();
    await store.suppress('elodie.lefevre@lanouvellerepublique.fr', 'unsubscribed-all', '2026-01-01T00:00:00Z');
    await addSubscriberToList(deps, list.id, { email: 'chloe.durand@actu-blois.fr' });
    const chloe = await store.getSubscriberByEmail('chloe.durand@actu-blois.fr');
    await store.setMembershipStatus(list.id, chloe?.id ?? '', 'unsubscribed', '2026-01-02T00:00:00Z');

    const report = await importContacts(deps, list.id, chunked(fixture('presse-excel-cp1252.csv')));

    expect(report).toEqual(frenchExcelReport('windows-1252', { created: 6, skippedSuppressed: 2 }));
    expect(await store.getSubscriberByEmail('elodie.lefevre@lanouvellerepublique.fr')).toBeUndefined();
    expect((await store.getMembership(list.id, chloe?.id ?? ''))?.status).toBe('unsubscribed');
  });

  it('calls the progress callback as rows settle, then once with the totals', async () => {
    const { deps, list } = await pressList();
    const bytes = fixture('presse-excel-cp1252.csv');
    const calls: ImportProgress[] = [];

    await importContacts(deps, list.id, chunked(bytes, 100), { onProgress: (p) => calls.push(p), progressEvery: 5 });

    expect(calls.map((p) => p.rows)).toEqual([5, 10, 14]);
    expect(calls.at(-1)).toEqual({
      rows: 14,
      bytes: bytes.length,
      created: 8,
      updated: 0,
      unchanged: 0,
      skippedSuppressed: 0,
      rejected: 6,
    });
  });

  it('reads an English CRM export (comma, LF, UTF-8 without BOM)', async () => {
    const { deps, store, list } = await pressList();

    const report = await importContacts(deps, list.id, chunked(fixture('contacts-en.csv')));

    expect(report).toMatchObject({
      rows: 2,
      created: 2,
      rejected: [],
      format: { encoding: 'utf-8', separator: ',', ignoredColumns: ['Phone'] },
    });
    expect(await store.getSubscriberByEmail('kate.smith@example.co.uk')).toMatchObject({
      name: 'Kate Smith',
      organisation: 'Reuters',
      mediumType: 'agency',
      tags: ['europe', 'politics'],
      language: 'en',
    });
    expect(await store.getSubscriberByEmail('marc.dubois@example.fr')).toMatchObject({
      name: 'Dubois, Marc',
      mediumType: 'radio',
      language: 'fr',
    });
  });

  it('reads Excel "Unicode text" (UTF-16LE with BOM, tab-separated)', async () => {
    const { deps, store, list } = await pressList();
    const text = '\ufeffCourriel\tNom complet\tMédia\r\nanne@example.org\tAnne Lévêque\tFrance Bleu\r\n';

    const report = await importContacts(deps, list.id, chunked(iconv.encode(text, 'utf16le'), 5));

    expect(report).toMatchObject({ rows: 1, created: 1, format: { encoding: 'utf-16le', separator: '\t' } });
    expect((await store.getSubscriberByEmail('anne@example.org'))?.name).toBe('Anne Lévêque');
  });

  it('detects Windows-1252 even when the first accented letter comes late in the file', async () => {
    const { deps, store, list } = await pressList();
    const ascii = Array.from({ length: 1000 }, (_, i) => `contact${i}@example.org;Contact ${i}`).join('\r\n');
    const bytes = iconv.encode(`email;nom\r\n${ascii}\r\nheloise@example.org;Héloïse Lefèvre\r\n`, 'win1252');

    const report = await importContacts(deps, list.id, chunked(bytes, 16 * 1024));

    expect(report).toMatchObject({ rows: 1001, created: 1001, rejected: [], format: { encoding: 'windows-1252' } });
    expect((await store.getSubscriberByEmail('heloise@example.org'))?.name).toBe('Héloïse Lefèvre');
  });

  it('follows an explicit mapping, and honours the Excel "sep=" line', async () => {
    const { deps, store, list } = await pressList();
    const csv = 'sep=,\r\nAdresse pro,Titre,Nom\r\nanne@example.org,Le Monde,Anne Martin\r\nbruno@example.org,,Bruno\r\n';

    const report = await importContacts(deps, list.id, chunked(Buffer.from(csv)), {
      mapping: { 'adresse PRO': 'email', Titre: 'outlet', Nom: 'ignore' },
    });

    expect(report).toMatchObject({
      rows: 2,
      created: 2,
      rejected: [],
      format: {
        separator: ',',
        columns: [
          { header: 'Adresse pro', field: 'email' },
          { header: 'Titre', field: 'outlet' },
        ],
        ignoredColumns: ['Nom'],
      },
    });
    const anne = await store.getSubscriberByEmail('anne@example.org');
    expect(anne?.outlet).toBe('Le Monde');
    expect(anne?.name).toBeUndefined();
  });

  it('rejects a record whose quote never closes, with the line it starts on', async () => {
    const { deps, list } = await pressList();
    const csv = 'email;nom\nanne@example.org;Anne\nbruno@example.org;"Bruno\nchloe@example.org;Chloé\n';

    const report = await importContacts(deps, list.id, chunked(Buffer.from(csv)));

    expect(report).toMatchObject({
      rows: 2,
      created: 1,
      rejected: [{ line: 3, reason: 'guillemet ouvert jamais fermé : cette ligne et les suivantes n’ont pas pu être lues' }],
    });
  });

  it('returns an empty report for a header without rows', async () => {
    const { deps, list } = await pressList();

    const report = await importContacts(deps, list.id, chunked(Buffer.from('email;nom\r\n')));

    expect(report).toMatchObject({ rows: 0, created: 0, rejected: [] });
  });

  it('works in chunks: a bounded number of rows looked up and written together, a bounded number of chunks at once', async () => {
    // prepare
    const { deps, store, list } = await pressList();
    const lookup = store.lookupContacts.bind(store);
    const write = store.writeContacts.bind(store);
    const sizes: number[] = [];
    let inFlight = 0;
    let peak = 0;
    let writes = 0;
    store.lookupContacts = async (listId, emails) => {
      sizes.push(emails.length);
      peak = Math.max(peak, ++inFlight);
      await new Promise((r) => setTimeout(r, 2));
      try {
        return await lookup(listId, emails);
      } finally {
        inFlight--;
      }
    };
    store.writeContacts = async (w) => {
      writes++;
      return write(w);
    };
    const csv = `email\n${Array.from({ length: 230 }, (_, i) => `c${i}@example.org`).join('\n')}\n`;

    // act
    const report = await importContacts(deps, list.id, chunked(Buffer.from(csv), 97), { chunkRows: 50, concurrency: 2 });

    // assess
    expect(report).toMatchObject({ rows: 230, created: 230, rejected: [] });
    expect(sizes).toEqual([50, 50, 50, 50, 30]);
    expect(writes).toBe(5);
    expect(peak).toBe(2);
    expect((await store.listMembers(list.id, { limit: 1000 })).items).toHaveLength(230);
  });

  it('on a double opt-in list, imports members unconfirmed on the consent basis, and a second import leaves them so', async () => {
    const { deps, store } = fakeDeps();
    const list = await createList(deps, { name: 'Lettre des partenaires', kind: 'partners', optIn: 'double' });
    const csv = 'email;nom\r\nanne@example.org;Anne\r\n';

    const first = await importContacts(deps, list.id, chunked(Buffer.from(csv)), { actor: 'admin : partenaires.csv' });
    const again = await importContacts(deps, list.id, chunked(Buffer.from(csv)));

    expect(first).toMatchObject({ rows: 1, created: 1 });
    expect(again).toMatchObject({ rows: 1, created: 0, updated: 0, unchanged: 1 });
    const anne = await store.getSubscriberByEmail('anne@example.org');
    expect((await store.getMembership(list.id, anne?.id ?? ''))?.status).toBe('unconfirmed');
    expect(await store.listConsent(anne?.id ?? '')).toEqual([
      expect.objectContaining({
        event: 'imported',
        source: 'import',
        lawfulBasis: 'consent',
        actor: 'admin : partenaires.csv',
        listId: list.id,
      }),
    ]);
  });

  it('confirms on a single opt-in list a member left unconfirmed, with a new consent record', async () => {
    const { deps, store, list } = await pressList();
    await addSubscriberToList(deps, list.id, { email: 'anne@example.org', status: 'unconfirmed' });

    const report = await importContacts(deps, list.id, chunked(Buffer.from('email\nanne@example.org\n')), { actor: 'a' });

    expect(report).toMatchObject({ rows: 1, updated: 1 });
    const anne = await store.getSubscriberByEmail('anne@example.org');
    expect((await store.getMembership(list.id, anne?.id ?? ''))?.status).toBe('confirmed');
    expect((await store.listConsent(anne?.id ?? '')).map((c) => c.event)).toEqual(['requested', 'imported']);
  });

  it('imports as an existing contact an address someone claimed between the lookup and the write', async () => {
    // prepare: a sign-up of bruno@ lands just after the import looked the chunk up
    const { deps, store, list } = await pressList();
    const lookup = store.lookupContacts.bind(store);
    let raced = false;
    store.lookupContacts = async (listId, emails) => {
      const found = await lookup(listId, emails);
      if (!raced) {
        raced = true;
        await store.createSubscriber({
          id: 'signed-up',
          email: 'bruno@example.org',
          tags: [],
          language: 'fr',
          createdAt: 'x',
          updatedAt: 'x',
        });
      }
      return found;
    };

    // act
    const report = await importContacts(deps, list.id, chunked(Buffer.from('email;nom\nanne@example.org;Anne\nbruno@example.org;Bruno\n')));

    // assess: one subscriber for bruno@ (the one who signed up), now on the list with the imported name
    expect(report).toMatchObject({ rows: 2, created: 1, updated: 1, rejected: [] });
    expect(await store.getSubscriberByEmail('bruno@example.org')).toMatchObject({ id: 'signed-up', name: 'Bruno' });
    expect([...store.subscribers.values()].filter((s) => s.email === 'bruno@example.org')).toHaveLength(1);
    expect((await store.getMembership(list.id, 'signed-up'))?.status).toBe('confirmed');
    expect((await store.listConsent('signed-up')).map((c) => c.event)).toEqual(['imported']);
  });

  it('reports, with its line, a row whose contact was erased between the lookup and the write, and writes nothing of it', async () => {
    const { deps, store, list } = await pressList();
    await addSubscriberToList(deps, list.id, { email: 'anne@example.org' });
    const anne = await store.getSubscriberByEmail('anne@example.org');
    const lookup = store.lookupContacts.bind(store);
    store.lookupContacts = async (listId, emails) => {
      const found = await lookup(listId, emails);
      await store.eraseSubscriber(anne?.id ?? '', '2026-01-01T00:00:00Z');
      return found;
    };

    const report = await importContacts(
      deps,
      list.id,
      chunked(Buffer.from('email;fonction\nbruno@example.org;Pigiste\nanne@example.org;Rédactrice\n')),
    );

    expect(report).toMatchObject({
      rows: 2,
      created: 1,
      rejected: [
        {
          line: 3,
          email: 'anne@example.org',
          reason: 'ce contact a été modifié ou effacé pendant l’import : importez cette ligne à nouveau',
        },
      ],
    });
    expect(await store.getSubscriber(anne?.id ?? '')).toMatchObject({ email: `erased:${anne?.id}` });
    expect((await store.getSubscriber(anne?.id ?? ''))?.role).toBeUndefined();
  });

  describe('bad input', () => {
    const refused = async (bytes: Buffer, options = {}) => {
      const { deps, store, list } = await pressList();
      const error = await importContacts(deps, list.id, chunked(bytes), options).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect((await store.listMembers(list.id)).items).toHaveLength(0);
      return error as ValidationError;
    };

    it('refuses an empty file', async () => {
      const error = await refused(fixture('empty.csv'));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/fichier vide/i);
    });

    it('refuses a file of blank lines, or a lone BOM, as empty', async () => {
      expect((await refused(Buffer.from('\r\n;;;\r\n  \r\n'))).message).toMatch(/fichier vide/i);
      expect((await refused(Buffer.from([0xef, 0xbb, 0xbf]))).message).toMatch(/fichier vide/i);
    });

    it('refuses a binary file', async () => {
      const error = await refused(fixture('binary.csv'));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe('Ce fichier n’est pas un fichier texte (CSV) : il contient des données binaires.');
    });

    it('tells apart a spreadsheet saved as .xlsx', async () => {
      const error = await refused(Buffer.from('504b0304140006000800000021000000', 'hex'));
      expect(error.message).toMatch(/classeur .* CSV/);
    });

    it('names the headers found when there is no email column', async () => {
      const error = await refused(fixture('no-email.csv'));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toBe(
        'Aucune colonne d’adresse e-mail : en-têtes trouvés « Nom », « Société », « Téléphone » (séparateur « ; »). Nommez la colonne « email » ou « courriel », ou indiquez-la dans le mapping.',
      );
    });

    // The parser's record-size cap stops it at the first 100,000 characters: the message names the
    // cap, which is what bounds the work (no wall-clock limit: that would only measure the machine).
    it('stops on a record too long to be a contact (a text that is no CSV), at the record-size cap', async () => {
      const error = await refused(Buffer.alloc(300_000, 'a'));
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.message).toMatch(/^Ligne 1 : enregistrement de plus de 100000 caractères/);
    });

    it('refuses a mapping to an unknown field, or from a missing column', async () => {
      expect((await refused(fixture('contacts-en.csv'), { mapping: { Email: 'courrier' } })).message).toMatch(
        /« courrier » n’est pas un champ connu/,
      );
      expect((await refused(fixture('contacts-en.csv'), { mapping: { Mobile: 'email' } })).message).toMatch(
        /colonne « mobile » absente du fichier/,
      );
    });

    it('refuses an unknown list before reading anything', async () => {
      const { deps } = fakeDeps();
      let read = false;
      async function* source() {
        read = true;
        yield Buffer.from('email\nanne@example.org\n');
      }

      await expect(importContacts(deps, 'nope', source())).rejects.toBeInstanceOf(NotFoundError);
      expect(read).toBe(false);
    });

    it('rejects rows with control characters and keeps the others', async () => {
      const { deps, list } = await pressList();
      const csv = 'email;nom\nanne@example.org;An\u0007ne\nbruno@example.org;Bruno\n';

      const report = await importContacts(deps, list.id, chunked(Buffer.from(csv)));

      expect(report).toMatchObject({
        rows: 2,
        created: 1,
        rejected: [{ line: 2, email: 'anne@example.org', reason: 'caractère de contrôle interdit (colonne « nom »)' }],
      });
    });
  });
});

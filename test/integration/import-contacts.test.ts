import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { type ServerType, serve } from '@hono/node-server';
import { OpenAPIHono } from '@hono/zod-openapi';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoStore } from '../../functions/adapters/dynamodb/dynamo-store';
import type { AppDeps } from '../../functions/app/deps';
import { type ImportReport, importContacts } from '../../functions/app/import-contacts';
import { createList } from '../../functions/app/manage-audience';
import type { Role } from '../../functions/domain/actor';
import type { MailingList } from '../../functions/domain/audience';
import type { ApiEnv } from '../../functions/http/api-env';
import { errorResponse } from '../../functions/http/error-responses';
import { importRoutes } from '../../functions/http/import-routes';
import { formatImportReport, uploadCsv } from '../../local/cli-import';
import { freshTable } from '../support/emulator-context';
import { fakeDeps } from '../support/fakes';

let deps: AppDeps;
let store: DynamoStore;
let app: OpenAPIHono<ApiEnv>;

beforeAll(async () => {
  const { client, tableName } = await freshTable('import');
  store = new DynamoStore(client, tableName);
  deps = fakeDeps({ store, newId: () => randomUUID() }).deps;
  app = new OpenAPIHono<ApiEnv>();
  // Stands in for buildHttpApp's token middleware: the actor's role comes from a test header.
  app.use('/api/*', async (c, next) => {
    c.set('actor', { id: 'u-camille', name: 'Camille', role: (c.req.header('x-test-role') ?? 'publisher') as Role });
    return next();
  });
  app.route('/api', importRoutes(deps));
  app.onError((error, c) => errorResponse(c, error, () => undefined));
});

/** The bytes as a stream cut every `size` bytes. */
const pieces = (bytes: Buffer, size: number) =>
  Readable.from(
    (function* () {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    })(),
  );

const pressList = (name: string): Promise<MailingList> => createList(deps, { name, kind: 'press', optIn: 'single' });

/**
 * A French Excel export of `n` contacts (Windows-1252, `;`, CRLF): every 50th row repeats an
 * earlier address in capitals, every 40th has a broken address, every 25th a two-line address.
 */
function generatedExport(
  n: number,
  domain: string,
): { bytes: Buffer; expected: Pick<ImportReport, 'rows' | 'created'> & { rejectedLines: number[] } } {
  const lines = ['Prénom;Nom;Courriel;Média;Type de média;Adresse postale'];
  let line = 2;
  let created = 0;
  const rejectedLines: number[] = [];
  for (let i = 1; i <= n; i++) {
    let email = `journaliste.${i}@${domain}`;
    if (i % 50 === 0) email = `JOURNALISTE.${i - 1}@${domain.toUpperCase()}`;
    else if (i % 40 === 0) email = `journaliste.${i}.${domain}`;
    if (i % 50 === 0 || i % 40 === 0) rejectedLines.push(line);
    else created++;
    const address = i % 25 === 0 ? `"${i} rue de la République\r\n41000 Blois"` : `${i} place Louis-XII`;
    lines.push(`Hélène;Lefèvre-${i};${email};L’Écho n°${i};presse écrite;${address}`);
    line += i % 25 === 0 ? 2 : 1;
  }
  return { bytes: iconv.encode(`${lines.join('\r\n')}\r\n`, 'win1252'), expected: { rows: n, created, rejectedLines } };
}

async function allMembers(listId: string): Promise<number> {
  let count = 0;
  let cursor: string | undefined;
  do {
    const page = await store.listMembers(listId, { cursor, limit: 500 });
    count += page.items.length;
    cursor = page.cursor;
  } while (cursor);
  return count;
}

describe('CSV import against DynamoDB Local', () => {
  it('imports a few hundred generated contacts with the exact report, then finds them all unchanged', async () => {
    // prepare
    const list = await pressList('Presse — import');
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const { bytes, expected } = generatedExport(300, domain);
    const progress: number[] = [];

    // act
    const report = await importContacts(deps, list.id, pieces(bytes, 4096), {
      actor: 'admin : export.csv',
      onProgress: (p) => progress.push(p.rows),
    });

    // assess
    expect(report.rows).toBe(expected.rows);
    expect(report.created).toBe(expected.created);
    expect(report.updated + report.unchanged + report.skippedSuppressed).toBe(0);
    expect(report.rejected.map((r) => r.line)).toEqual(expected.rejectedLines);
    expect(report.rejected.find((r) => r.email === `JOURNALISTE.49@${domain.toUpperCase()}`)?.reason).toBe('doublon de la ligne 51');
    expect(report.rejected.find((r) => r.email === `journaliste.40.${domain}`)?.reason).toBe(
      `Adresse e-mail invalide : « journaliste.40.${domain} »`,
    );
    expect(report.format.encoding).toBe('windows-1252');
    expect(progress.at(-1)).toBe(300);
    expect(await allMembers(list.id)).toBe(expected.created);
    const sub = await store.getSubscriberByEmail(`journaliste.7@${domain}`);
    expect(sub).toMatchObject({ name: 'Hélène Lefèvre-7', outlet: 'L’Écho n°7', mediumType: 'print' });
    expect(await store.listConsent(sub?.id ?? '')).toEqual([
      expect.objectContaining({ event: 'imported', source: 'import', actor: 'admin : export.csv', listId: list.id }),
    ]);

    const again = await importContacts(deps, list.id, pieces(bytes, 1000));
    expect(again).toMatchObject({ rows: expected.rows, created: 0, updated: 0, unchanged: expected.created, skippedSuppressed: 0 });
    expect(again.rejected).toEqual(report.rejected);
  }, 120_000);

  it('imports 1,000 rows in batches: at most 0.2 DynamoDB requests per row, counted on the client', async () => {
    // prepare: a store on its own client, whose every command is counted by a middleware
    const { client, tableName } = await freshTable('import-requests');
    const counted = new DynamoStore(client, tableName);
    const byCommand = new Map<string, number>();
    client.middlewareStack.add(
      (next, context) => async (args) => {
        byCommand.set(context.commandName ?? '?', (byCommand.get(context.commandName ?? '?') ?? 0) + 1);
        return next(args);
      },
      { step: 'initialize', name: 'countRequests' },
    );
    const countedDeps = fakeDeps({ store: counted, newId: () => randomUUID() }).deps;
    const list = await createList(countedDeps, { name: 'Presse — requêtes', kind: 'press', optIn: 'single' });
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const { bytes, expected } = generatedExport(1000, domain);
    byCommand.clear();

    // act
    const report = await importContacts(countedDeps, list.id, pieces(bytes, 64 * 1024), { actor: 'admin : gros.csv' });

    // assess
    const requests = [...byCommand.values()].reduce((a, b) => a + b, 0);
    expect(report).toMatchObject({ rows: 1000, created: expected.created });
    expect(requests / report.rows, JSON.stringify(Object.fromEntries(byCommand))).toBeLessThanOrEqual(0.2);
    expect([...byCommand.keys()].sort()).toEqual([
      'BatchGetItemCommand',
      'BatchWriteItemCommand',
      'GetItemCommand',
      'TransactWriteItemsCommand',
    ]);
    const sub = await counted.getSubscriberByEmail(`journaliste.999@${domain}`);
    expect(sub).toMatchObject({ name: 'Hélène Lefèvre-999', mediumType: 'print' });
    expect(await counted.listConsent(sub?.id ?? '')).toEqual([
      expect.objectContaining({ event: 'imported', lawfulBasis: 'legitimate-interest', actor: 'admin : gros.csv' }),
    ]);
    let members = 0;
    let cursor: string | undefined;
    do {
      const page = await counted.listMembers(list.id, { cursor, limit: 500 });
      members += page.items.length;
      cursor = page.cursor;
    } while (cursor);
    expect(members).toBe(expected.created);
  }, 120_000);

  it('skips an address on the suppression list', async () => {
    const list = await pressList('Presse — désinscrits');
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    await store.suppress(`parti@${domain}`, 'unsubscribed-all', '2026-01-01T00:00:00Z');

    const report = await importContacts(deps, list.id, Readable.from([Buffer.from(`email\r\nparti@${domain}\r\nreste@${domain}\r\n`)]));

    expect(report).toMatchObject({ rows: 2, created: 1, skippedSuppressed: 1, rejected: [] });
    expect(await store.getSubscriberByEmail(`parti@${domain}`)).toBeUndefined();
  });
});

describe('POST /api/lists/{id}/import', () => {
  const post = (
    listId: string,
    body: string | Uint8Array | ReadableStream<Uint8Array> | null,
    headers: Record<string, string> = { 'content-type': 'text/csv' },
    query = '',
  ) =>
    app.request(`/api/lists/${listId}/import${query}`, {
      method: 'POST',
      body,
      headers,
      ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
    } as RequestInit);

  it('streams the body and answers with the report', async () => {
    const list = await pressList('Presse — API');
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const { bytes, expected } = generatedExport(120, domain);
    const body = Readable.toWeb(pieces(bytes, 1024)) as ReadableStream<Uint8Array>;

    const response = await post(list.id, body, { 'content-type': 'text/csv; charset=windows-1252' }, '?filename=presse.csv');

    expect(response.status).toBe(200);
    const report = (await response.json()) as ImportReport;
    expect(report).toMatchObject({ rows: expected.rows, created: expected.created, format: { encoding: 'windows-1252', separator: ';' } });
    expect(report.rejected.map((r) => r.line)).toEqual(expected.rejectedLines);
    const sub = await store.getSubscriberByEmail(`journaliste.1@${domain}`);
    expect((await store.listConsent(sub?.id ?? ''))[0]?.actor).toBe('Camille (u-camille) : presse.csv');
  });

  it('applies a mapping given as JSON in the query', async () => {
    const list = await pressList('Presse — mapping');
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const mapping = encodeURIComponent(JSON.stringify({ 'Adresse pro': 'email', Titre: 'outlet' }));

    const response = await post(
      list.id,
      `Adresse pro;Titre\nanne@${domain};Le Monde\n`,
      { 'content-type': 'application/octet-stream' },
      `?mapping=${mapping}`,
    );

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ rows: 1, created: 1 });
    expect((await store.getSubscriberByEmail(`anne@${domain}`))?.outlet).toBe('Le Monde');
  });

  it('answers 404 for an unknown list, 400 for an empty or binary file or a bad mapping, 415 for JSON, 403 without audience:manage', async () => {
    const list = await pressList('Presse — erreurs');

    const unknown = await post('pas-une-liste', 'email\nanne@example.org\n');
    const empty = await post(list.id, '');
    const binary = await post(list.id, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]));
    const badMapping = await post(list.id, 'email\nanne@example.org\n', undefined, '?mapping=%7Bnope');
    const json = await post(list.id, JSON.stringify({ email: 'anne@example.org' }), { 'content-type': 'application/json' });
    const reviewer = await post(list.id, 'email\nanne@example.org\n', { 'content-type': 'text/csv', 'x-test-role': 'reviewer' });

    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { message: string }).message).toBe('Liste introuvable : pas-une-liste');
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { message: string }).message).toMatch(/fichier vide/i);
    expect(binary.status).toBe(400);
    expect(((await binary.json()) as { message: string }).message).toMatch(/pas un fichier texte/);
    expect(badMapping.status).toBe(400);
    expect(((await badMapping.json()) as { field: string }).field).toBe('mapping');
    expect(json.status).toBe(415);
    expect(reviewer.status).toBe(403);
    expect(await allMembers(list.id)).toBe(0);
  });
});

describe('communique import (CLI upload)', () => {
  let server: ServerType;
  let baseUrl: string;
  const token = 'jeton-de-test';

  beforeAll(async () => {
    const guarded = new OpenAPIHono();
    guarded.use('/api/*', async (c, next) =>
      c.req.header('authorization') === `Bearer ${token}` ? next() : c.json({ error: 'unauthorized', message: 'Jeton absent' }, 401),
    );
    guarded.route('/', app);
    server = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: guarded.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
    });
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('streams the file to the API, reports upload progress, and prints the report in French', async () => {
    const list = await pressList('Presse — CLI');
    const domain = `${randomUUID().slice(0, 8)}.example.org`;
    const { bytes, expected } = generatedExport(200, domain);
    const file = join(mkdtempSync(join(tmpdir(), 'communique-import-')), 'presse.csv');
    writeFileSync(file, bytes);
    const sent: number[] = [];

    const report = await uploadCsv({ baseUrl, authorization: `Bearer ${token}`, file, listId: list.id, onProgress: (n) => sent.push(n) });

    expect(report).toMatchObject({ rows: expected.rows, created: expected.created });
    expect(sent.at(-1)).toBe(bytes.length);
    const text = formatImportReport(report);
    expect(text).toContain('200 lignes lues (encodage windows-1252, séparateur « ; »)');
    expect(text).toContain(`ligne 52 (JOURNALISTE.49@${domain.toUpperCase()}) : doublon de la ligne 51`);
    expect(text).toContain('Colonnes ignorées : Adresse postale');
  });

  it('says why the server refused the file', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'communique-import-')), 'vide.csv');
    writeFileSync(file, '');

    await expect(uploadCsv({ baseUrl, authorization: `Bearer ${token}`, file, listId: 'pas-une-liste' })).rejects.toThrow(
      'import refusé (404) : Liste introuvable : pas-une-liste',
    );
  });
});

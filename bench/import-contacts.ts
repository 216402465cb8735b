/**
 * CSV import benchmark: N generated press contacts (default 50,000) streamed as a French Excel
 * export (Windows-1252, `;`, CRLF) into a fresh in-memory DynamoDB Local. Prints rows/s and the
 * peak RSS of this process (the import; DynamoDB Local runs in its own JVM).
 *
 *   npx tsx bench/import-contacts.ts [--rows 50000] [--concurrency 16]
 */

import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import iconv from 'iconv-lite';
import { DynamoStore } from '../functions/adapters/dynamodb/dynamo-store';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import { importContacts } from '../functions/app/import-contacts';
import { startDynamoLocal } from '../local/emulators';
import { freePort } from '../test/support/free-port';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' }, concurrency: { type: 'string', default: '16' } } });
const rows = Number(values.rows);
const concurrency = Number(values.concurrency);
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(concurrency) || concurrency < 1) {
  console.error('usage : npx tsx bench/import-contacts.ts [--rows N] [--concurrency N]');
  process.exit(2);
}

const firstNames = ['Élodie', 'François', 'Anaïs', 'Jérôme', 'Hélène', 'Léa', 'Noël', 'Chloé', 'Loïc', 'Agnès'];
const lastNames = ['Lefèvre', 'Guérin', 'Moreau', 'Caillé', 'Bénard', 'Fabre', 'Besançon', 'Dupré', 'Müller', 'Cœurdevey'];
const outlets = [
  'La Nouvelle République',
  'France 3 Centre-Val de Loire',
  'France Bleu Orléans',
  'L’Écho du Cher',
  'Le Berry Républicain',
  'AFP Orléans',
];
const media = ['presse écrite', 'télé', 'radio', 'presse écrite', 'presse écrite', 'agence'];

/** The export, generated as it is read: 64 KiB chunks, never the whole file. */
async function* frenchExcelExport(n: number, domain: string): AsyncGenerator<Buffer> {
  let text = 'Civilité;Prénom;Nom;Adresse e-mail;Société;Fonction;Média;Type de média;Département;Thématiques\r\n';
  for (let i = 0; i < n; i++) {
    const o = i % outlets.length;
    text += `Mme;${firstNames[i % 10]};${lastNames[Math.floor(i / 10) % 10]};contact.${i}@${domain};${outlets[o]};Journaliste;${outlets[o]};${media[o]};41;"culture, sport"\r\n`;
    if (text.length >= 64 * 1024) {
      yield iconv.encode(text, 'win1252');
      text = '';
    }
  }
  if (text) yield iconv.encode(text, 'win1252');
}

const mb = (bytes: number) => `${(bytes / 1_048_576).toFixed(1)} MB`;

const dynamo = await startDynamoLocal({ port: await freePort(), timeoutMs: 60_000 });
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'eu-west-3',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
try {
  const tableName = `bench-import-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  const store = new DynamoStore(client, tableName);
  const deps = { store, clock: { now: () => new Date() }, newId: () => randomUUID() };
  const listId = randomUUID();
  await store.createList({
    id: listId,
    name: 'Presse — bench',
    description: '',
    kind: 'press',
    optIn: 'single',
    publicSignup: false,
    createdAt: new Date().toISOString(),
  });

  global.gc?.();
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
  const tty = process.stderr.isTTY === true;
  const started = performance.now();
  const cpuBefore = process.cpuUsage();
  const report = await importContacts(deps, listId, frenchExcelExport(rows, 'bench.example.org'), {
    concurrency,
    progressEvery: 1000,
    onProgress: (p) => {
      if (tty) process.stderr.write(`\r${p.rows}/${rows} lignes, ${Math.round(p.rows / ((performance.now() - started) / 1000))} lignes/s`);
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  if (tty) process.stderr.write('\n');

  console.log(`import CSV → DynamoDB Local : ${rows} lignes, concurrence ${concurrency}`);
  console.log(`  durée       ${seconds.toFixed(1)} s`);
  console.log(`  débit       ${Math.round(rows / seconds)} lignes/s`);
  console.log(`  CPU Node    ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s (le reste : attente de DynamoDB Local)`);
  console.log(`  RSS         ${mb(rssBefore)} avant, ${mb(peakRss)} au pic (+${mb(peakRss - rssBefore)})`);
  console.log(
    `  compte rendu créés ${report.created}, mis à jour ${report.updated}, inchangés ${report.unchanged}, ignorés ${report.skippedSuppressed}, rejetés ${report.rejected.length}`,
  );
  if (report.created !== rows) {
    console.error(`attendu ${rows} créés : ${JSON.stringify(report.rejected.slice(0, 5))}`);
    process.exitCode = 1;
  }
} finally {
  client.destroy();
  await dynamo.stop();
}

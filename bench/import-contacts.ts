/**
 * CSV import benchmark (issue 13 point 1). N generated press contacts (default 50,000) streamed
 * as a French Excel export (Windows-1252, `;`, CRLF, generated as it is read) through the whole
 * import (`importContacts`) into a fresh table of its own DynamoDB Local (in memory). In the same
 * run, the yardstick: a plain `BatchWriteItem` loop (8 requests in flight, 25 items each) on the
 * same DynamoDB Local, once before the import and once after, into another table.
 *
 * Prints rows/s, the ratio rows/s ÷ the loop's items/s (target ≥ 0.25: as cheap as batch-writing
 * four items per row), the peak RSS of this process, the DynamoDB requests per row by command
 * (counted by a middleware on the client), and the CPU of this process and of DynamoDB Local's
 * JVM (from /proc) per row and per loop item.
 *
 *   npx tsx bench/import-contacts.ts [--rows 50000] [--loop-items N]
 *   node --expose-gc --import tsx bench/import-contacts.ts      (also prints the heap left after a GC)
 *   IMPORT_BENCH_ROWS=5000 npx tsx bench/import-contacts.ts      (a quick run)
 */

import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import iconv from 'iconv-lite';
import { DynamoStore } from '../functions/adapters/dynamodb/dynamo-store';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import { importContacts } from '../functions/app/import-contacts';
import { startDynamoLocal } from '../local/emulators';
import { freePort } from '../test/support/free-port';

const usage = 'usage : npx tsx bench/import-contacts.ts [--rows N] [--loop-items N]   (ou IMPORT_BENCH_ROWS=N)';
const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: process.env.IMPORT_BENCH_ROWS ?? '50000' },
    'loop-items': { type: 'string' },
    /** Chunks of 500 rows written at once (the import's `concurrency`; its default when absent). */
    chunks: { type: 'string' },
  },
});
const rows = Number(values.rows);
const loopItems = Number(values['loop-items'] ?? Math.min(rows, 25_000));
if (!Number.isInteger(rows) || rows < 1 || !Number.isInteger(loopItems) || loopItems < 25) {
  console.error(usage);
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
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** CPU (ms, user + system) of the DynamoDB Local JVM listening on `port`, from /proc (Linux); undefined elsewhere. */
function dynamoCpuMs(port: string): number | undefined {
  try {
    for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
      let args: string[];
      try {
        args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      } catch {
        continue;
      }
      if (!args.some((a) => a.includes('DynamoDBLocal')) || args[args.indexOf('-port') + 1] !== port) continue;
      const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
      return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // USER_HZ
    }
  } catch {
    // not Linux
  }
  return undefined;
}

/** Wall time, this process's CPU and DynamoDB Local's CPU over `work`. */
async function measured<T>(port: string, work: () => Promise<T>) {
  const jvmBefore = dynamoCpuMs(port);
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const result = await work();
  const seconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const jvmAfter = dynamoCpuMs(port);
  return {
    result,
    seconds,
    nodeCpuMs: (cpu.user + cpu.system) / 1000,
    jvmCpuMs: jvmBefore === undefined || jvmAfter === undefined ? undefined : jvmAfter - jvmBefore,
  };
}

const port = String(await freePort());
const dynamo = await startDynamoLocal({ port: Number(port), timeoutMs: 60_000 });
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'eu-west-3',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
const requests = new Map<string, number>();
client.middlewareStack.add(
  (next, context) => async (args) => {
    const name = String((context as { commandName?: string }).commandName ?? 'unknown').replace(/Command$/, '');
    requests.set(name, (requests.get(name) ?? 0) + 1);
    return next(args);
  },
  { step: 'initialize', name: 'benchRequestCounter' },
);

/**
 * The yardstick: `n` items (the size of a subscriber item) written by plain `BatchWriteItem`s,
 * 8 in flight, 25 items each, unprocessed items sent again.
 */
async function batchWriteLoop(tableName: string, n: number, tag: string): Promise<void> {
  const doc = DynamoDBDocumentClient.from(client);
  let next = 0;
  const worker = async () => {
    for (let start = next; start < n; start = next) {
      next += 25;
      let pending: Record<string, unknown>[] = [];
      for (let i = start; i < Math.min(n, start + 25); i++) {
        const id = `${tag}-${i}`;
        pending.push({
          PutRequest: {
            Item: {
              pk: `SUB#${id}`,
              sk: '#SUB',
              type: 'subscriber',
              id,
              email: `contact.${i}@loop.example.org`,
              name: `${firstNames[i % 10]} ${lastNames[Math.floor(i / 10) % 10]}`,
              organisation: outlets[i % outlets.length],
              role: 'Journaliste',
              outlet: outlets[i % outlets.length],
              mediumType: 'print',
              department: '41',
              tags: ['culture', 'sport'],
              language: 'fr',
              createdAt: new Date().toISOString(),
              updatedAt: new Date().toISOString(),
            },
          },
        });
      }
      while (pending.length > 0) {
        const r = await doc.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
        pending = (r.UnprocessedItems?.[tableName] ?? []) as Record<string, unknown>[];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

try {
  const loopTable = `bench-loop-${randomUUID().slice(0, 8)}`;
  const importTable = `bench-import-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, loopTable);
  await ensureTable(client, importTable);
  const store = new DynamoStore(client, importTable);
  const deps = { store, clock: { now: () => new Date() }, newId: () => randomUUID() };
  const newList = async () => {
    const list = {
      id: randomUUID(),
      name: 'Presse — bench',
      description: '',
      kind: 'press' as const,
      optIn: 'single' as const,
      publicSignup: false,
      createdAt: new Date().toISOString(),
    };
    await store.createList(list);
    return list.id;
  };
  // Warm-up of DynamoDB Local's JIT (and this process's) on both sides, so that neither pays it
  // alone: with a short one, the loop run first went at a third of the speed of the one after.
  await batchWriteLoop(loopTable, 10_000, 'warm');
  await importContacts(deps, await newList(), frenchExcelExport(3_000, 'warm.example.org'));

  const loopBefore = await measured(port, () => batchWriteLoop(loopTable, loopItems, 'before'));
  const listId = await newList();

  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  const rssBefore = process.memoryUsage().rss;
  let peakRss = rssBefore;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  const tty = process.stderr.isTTY === true;
  requests.clear();
  const started = performance.now();
  const imported = await measured(port, () =>
    importContacts(deps, listId, frenchExcelExport(rows, 'bench.example.org'), {
      ...(values.chunks ? { concurrency: Number(values.chunks) } : {}),
      actor: 'bench : import-contacts',
      progressEvery: 1000,
      onProgress: (p) => {
        if (tty)
          process.stderr.write(`\r${p.rows}/${rows} lignes, ${Math.round(p.rows / ((performance.now() - started) / 1000))} lignes/s`);
      },
    }),
  );
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  // What the import still holds once it is over (with `node --expose-gc`): the duplicate-detection entries, not the rows.
  global.gc?.();
  const heapAfter = global.gc ? process.memoryUsage().heapUsed : undefined;
  if (tty) process.stderr.write('\n');
  const importRequests = new Map(requests);

  const loopAfter = await measured(port, () => batchWriteLoop(loopTable, loopItems, 'after'));

  const report = imported.result;
  const rowsPerSecond = rows / imported.seconds;
  const loopRate = (loopItems * 2) / (loopBefore.seconds + loopAfter.seconds);
  const totalRequests = [...importRequests.values()].reduce((a, b) => a + b, 0);
  const perRow = (ms: number | undefined, n: number) => (ms === undefined ? 'n/a' : `${fmt((ms * 1000) / n)} µs`);

  console.log(
    `import CSV → DynamoDB Local : ${fmt(rows)} lignes (Windows-1252, « ; »), load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(
    `  boucle BatchWriteItem (8 × 25)  ${fmt(loopItems / loopBefore.seconds)} éléments/s avant, ${fmt(loopItems / loopAfter.seconds)} après ; moyenne ${fmt(loopRate)} éléments/s`,
  );
  console.log(`  import                          ${fmt(rowsPerSecond)} lignes/s (${imported.seconds.toFixed(1)} s)`);
  console.log(`  ratio lignes/s ÷ éléments/s     ${(rowsPerSecond / loopRate).toFixed(3)}  (cible ≥ 0.25)`);
  console.log(
    `  requêtes DynamoDB par ligne     ${(totalRequests / rows).toFixed(3)}  (${[...importRequests]
      .sort((a, b) => b[1] - a[1])
      .map(([name, n]) => `${name} ${fmt(n)}`)
      .join(', ')})`,
  );
  console.log(
    `  RSS                             ${mb(rssBefore)} avant, ${mb(peakRss)} au pic (+${mb(peakRss - rssBefore)})${
      heapAfter === undefined ? '' : ` ; tas après GC ${mb(heapBefore)} avant, ${mb(heapAfter)} après`
    }`,
  );
  console.log(
    `  CPU par ligne                   Node ${perRow(imported.nodeCpuMs, rows)}, DynamoDB Local ${perRow(imported.jvmCpuMs, rows)}`,
  );
  console.log(
    `  CPU par élément de la boucle    Node ${perRow(loopBefore.nodeCpuMs + loopAfter.nodeCpuMs, loopItems * 2)}, DynamoDB Local ${perRow(
      loopBefore.jvmCpuMs === undefined || loopAfter.jvmCpuMs === undefined ? undefined : loopBefore.jvmCpuMs + loopAfter.jvmCpuMs,
      loopItems * 2,
    )}`,
  );
  console.log(
    `  compte rendu                    créés ${fmt(report.created)}, mis à jour ${report.updated}, inchangés ${report.unchanged}, ignorés ${report.skippedSuppressed}, rejetés ${report.rejected.length}`,
  );
  console.log(
    `FIGURE import rows/s ÷ BatchWriteItem loop items/s: ${(rowsPerSecond / loopRate).toFixed(3)} (${fmt(rows)} rows; target >= 0.25)`,
  );
  console.log(`FIGURE import DynamoDB requests per row: ${(totalRequests / rows).toFixed(3)}`);
  console.log(`FIGURE import peak RSS: ${mb(peakRss)}`);
  if (report.created !== rows) {
    console.error(`attendu ${rows} créés : ${JSON.stringify(report.rejected.slice(0, 5))}`);
    process.exitCode = 1;
  }
} finally {
  client.destroy();
  await dynamo.stop();
}

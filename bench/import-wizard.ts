/**
 * Import wizard benchmark (issue 12 part 4): N generated press contacts (default 50,000) through
 * the whole local flow on DynamoDB Local (in memory): the file uploaded to the wizard's form
 * (multipart POST, kept by the local import file store), columns and lawful basis chosen, the
 * run step queues an `import` message, the local runtime's in-process queue runs it
 * (runImportJob), the progress polled as the page does, then the report page read.
 *
 * Prints the upload's seconds, the run's seconds and rows/s (from the run step's answer to the
 * job done), the progress figures seen while polling, and the peak RSS of this process (the
 * wizard, the queue's worker and the import share it here; in AWS they are two functions).
 *
 *   npx tsx bench/import-wizard.ts [--rows 50000]
 */

import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ensureTable } from '../functions/adapters/dynamodb/table-definition';
import { readImportJob } from '../functions/app/import-jobs';
import { createList } from '../functions/app/manage-audience';
import type { LocalConfig } from '../functions/config';
import { csrfFieldName, sessionCookieName } from '../functions/http/pages/workspace-env';
import { buildLocalWiring } from '../functions/wiring';
import { startDynamoLocal } from '../local/emulators';
import { fakeRenderer } from '../test/support/fakes';
import { freePort } from '../test/support/free-port';
import { workspaceHarness } from '../test/support/workspace-harness';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '50000' } } });
const rows = Number(values.rows);
if (!Number.isInteger(rows) || rows < 1) {
  console.error('usage : npx tsx bench/import-wizard.ts [--rows N]');
  process.exit(2);
}

const outlets = ['La Nouvelle République', 'France Bleu Orléans', 'L’Écho du Cher', 'AFP Orléans'];
function csv(n: number): string {
  const lines = ['Prénom;Nom;Adresse e-mail;Média'];
  for (let i = 0; i < n; i++) lines.push(`Prénom${i};Nom${i};contact${i}@bench.example.org;${outlets[i % outlets.length]}`);
  return `${lines.join('\r\n')}\r\n`;
}

const dynamo = await startDynamoLocal({ port: await freePort(), timeoutMs: 60_000 });
const dataDir = await mkdtemp(join(tmpdir(), 'import-wizard-bench-'));
const tableName = `import-wizard-bench-${Date.now()}`;
const client = new DynamoDBClient({
  endpoint: dynamo.endpoint,
  region: 'eu-west-3',
  credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
});
await ensureTable(client, tableName);
client.destroy();
const config: LocalConfig = {
  region: 'eu-west-3',
  tableName,
  publicBaseUrl: 'https://communique.example.org',
  dynamoEndpoint: dynamo.endpoint,
  sesEndpoint: 'http://127.0.0.1:9',
  port: 0,
  dynamoPort: 0,
  sesPort: 0,
  dataDir,
  externalDynamo: true,
  externalSes: true,
};
const wiring = buildLocalWiring(config, { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'bench' } } }, fakeRenderer);

try {
  const h = await workspaceHarness({
    store: wiring.deps.store,
    queue: wiring.queue,
    importFiles: wiring.deps.importFiles,
    runImport: wiring.deps.runImport,
    newId: randomUUID,
  });
  const pub = h.as('publisher');
  const list = await createList(h.deps, { name: 'Presse (banc d’essai)', kind: 'press', optIn: 'single' });
  const file = new TextEncoder().encode(csv(rows));

  const uploadStart = performance.now();
  const form = new FormData();
  form.append(csrfFieldName, pub.csrfToken);
  form.append('listId', list.id);
  form.append('file', new File([file], 'presse.csv', { type: 'text/csv' }));
  const uploaded = await h.app.request('/audience/import', {
    method: 'POST',
    body: form,
    headers: { cookie: `${sessionCookieName}=${pub.cookie}` },
  });
  const path = uploaded.headers.get('location') ?? '';
  if (uploaded.status !== 303 || !path) throw new Error(`upload answered ${uploaded.status}: ${(await uploaded.text()).slice(0, 300)}`);
  const uploadSeconds = (performance.now() - uploadStart) / 1000;
  const jobId = path.split('/').pop() ?? '';
  await pub.post(`${path}/colonnes`, { 'colonne-0': 'firstName', 'colonne-1': 'lastName', 'colonne-2': 'email', 'colonne-3': 'outlet' });
  await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });

  const runStart = performance.now();
  const started = await pub.post(`${path}/lancement`, {});
  if (started.status !== 303) throw new Error(`run step answered ${started.status}`);
  const answeredMs = performance.now() - runStart;
  // The progress page polls every second; a quarter of a second shows more of the curve.
  const seen: number[] = [];
  let job = await readImportJob(wiring.deps, jobId);
  while (job?.status === 'running') {
    seen.push(job.progress?.rows ?? 0);
    await new Promise((r) => setTimeout(r, 250));
    job = await readImportJob(wiring.deps, jobId);
  }
  await wiring.queue.idle();
  const runSeconds = (performance.now() - runStart) / 1000;
  const report = await pub.get(`${path}/compte-rendu`);

  const distinct = [...new Set(seen)];
  console.log(`Assistant d’import, ${rows} lignes (${(file.length / 1024 / 1024).toFixed(1)} Mo), DynamoDB Local en mémoire`);
  console.log(`  téléversement + aperçu : ${uploadSeconds.toFixed(2)} s`);
  console.log(`  étape « lancer » : réponse en ${answeredMs.toFixed(0)} ms (le travail passe par la file)`);
  console.log(`  import (message → travail terminé) : ${runSeconds.toFixed(2)} s, ${(rows / runSeconds).toFixed(0)} lignes/s`);
  console.log(`  statut : ${job?.status}, résultat : ${JSON.stringify(job?.result)}`);
  console.log(
    `  progression vue (${distinct.length} valeurs) : ${distinct.slice(0, 3).join(', ')} … ${distinct.slice(-2).join(', ')} → ${job?.progress?.rows}`,
  );
  console.log(`  compte rendu : HTTP ${report.status}`);
  console.log(
    `  pic de mémoire (RSS) : ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} Mo ; charge ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')}`,
  );
  if (job?.status !== 'done' || job.result?.rows !== rows) process.exitCode = 1;
} finally {
  wiring.close();
  await dynamo.stop();
  await rm(dataDir, { recursive: true, force: true });
}

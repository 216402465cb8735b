import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImportJob, writeImportJob } from '../../functions/app/import-jobs';
import { createList } from '../../functions/app/manage-audience';
import { csrfFieldName, sessionCookieName } from '../../functions/http/pages/workspace-env';
import { buildLocalWiring, type LocalWiring } from '../../functions/wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { fakeRenderer, testBrand } from '../support/fakes';
import { workspaceHarness } from '../support/workspace-harness';

/**
 * The wizard's run step as a queue message, on DynamoDB Local through the local runtime's
 * in-process queue: the step enqueues `import`, the queue's consumer (handleSendMessage →
 * runImportJob) imports the file, the job's progress goes from nothing to every row. A message
 * delivered again is harmless, whether the job is done or was cut off mid-way.
 */
let wiring: LocalWiring;
let dataDir: string;

beforeAll(async () => {
  const { tableName } = await freshTable('import-job-queue');
  dataDir = await mkdtemp(join(tmpdir(), 'import-job-queue-'));
  wiring = buildLocalWiring(
    localConfigFor(tableName, { dataDir }),
    { adminToken: 'root', tokenKeys: { currentKeyId: 'k1', keys: { k1: 'k' } } },
    fakeRenderer,
    { concurrency: 2 },
  );
  await wiring.deps.store.putBrand(testBrand);
});

afterAll(async () => {
  wiring.close();
  await rm(dataDir, { recursive: true, force: true });
});

const ROWS = 1_200;
const csv = (who: string) => `email;nom\n${Array.from({ length: ROWS }, (_, i) => `${who}${i}@example.org;Contact ${i}`).join('\n')}\n`;

describe('import job through the in-process queue on DynamoDB Local', () => {
  it('runs from the queue, reports every row, and ignores the message delivered again', async () => {
    // prepare: the wizard's pages on the local runtime's store, queue and import folder
    const h = await workspaceHarness({
      store: wiring.deps.store,
      queue: wiring.queue,
      importFiles: wiring.deps.importFiles,
      runImport: wiring.deps.runImport,
      newId: randomUUID,
    });
    const pub = h.as('publisher');
    const list = await createList(h.deps, { name: 'Presse régionale', kind: 'press', optIn: 'single' });
    const form = new FormData();
    form.append(csrfFieldName, pub.csrfToken);
    form.append('listId', list.id);
    form.append('file', new File([csv('regional')], 'presse.csv', { type: 'text/csv' }));
    const uploaded = await h.app.request('/audience/import', {
      method: 'POST',
      body: form,
      headers: { cookie: `${sessionCookieName}=${pub.cookie}` },
    });
    const path = uploaded.headers.get('location') ?? '';
    const jobId = path.split('/').pop() ?? '';
    await pub.post(`${path}/colonnes`, { 'colonne-0': 'email', 'colonne-1': 'name' });
    await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });

    // act
    const started = await pub.post(`${path}/lancement`, {});
    const atLaunch = await readImportJob(wiring.deps, jobId);
    await wiring.queue.idle();
    const done = await readImportJob(wiring.deps, jobId);
    await wiring.queue.enqueue([{ type: 'import', jobId, actor: { id: 'someone', name: 'Quelqu’un' } }]);
    await wiring.queue.idle();
    const afterRedelivery = await readImportJob(wiring.deps, jobId);

    // assess
    expect(started.status).toBe(303);
    expect(atLaunch?.status).toBe('running');
    expect(atLaunch?.progress?.rows ?? 0).toBe(0);
    expect(done).toMatchObject({ status: 'done', totalRows: ROWS, progress: { rows: ROWS }, result: { rows: ROWS, created: ROWS } });
    expect(afterRedelivery).toEqual(done);
    expect(wiring.queue.deadLetters).toEqual([]);
    expect(await wiring.deps.store.countMembersByStatus(list.id)).toMatchObject({ confirmed: ROWS });
  });

  it('runs a job cut off mid-way again from its first row: nothing doubled, every row accounted for', async () => {
    // prepare: a finished job put back to `running`, as if its worker had stopped before the report
    const h = await workspaceHarness({
      store: wiring.deps.store,
      queue: wiring.queue,
      importFiles: wiring.deps.importFiles,
      runImport: wiring.deps.runImport,
      newId: randomUUID,
    });
    const pub = h.as('publisher');
    const list = await createList(h.deps, { name: 'Presse nationale', kind: 'press', optIn: 'single' });
    const form = new FormData();
    form.append(csrfFieldName, pub.csrfToken);
    form.append('listId', list.id);
    form.append('file', new File([csv('national')], 'presse.csv', { type: 'text/csv' }));
    const uploaded = await h.app.request('/audience/import', {
      method: 'POST',
      body: form,
      headers: { cookie: `${sessionCookieName}=${pub.cookie}` },
    });
    const path = uploaded.headers.get('location') ?? '';
    const jobId = path.split('/').pop() ?? '';
    await pub.post(`${path}/colonnes`, { 'colonne-0': 'email', 'colonne-1': 'name' });
    await pub.post(`${path}/base-legale`, { basis: 'legitimate-interest' });
    await pub.post(`${path}/lancement`, {});
    await wiring.queue.idle();
    const first = await readImportJob(wiring.deps, jobId);
    if (!first) throw new Error('job not found');
    const { result: _r, finishedAt: _f, ...cutOff } = first;
    await writeImportJob(wiring.deps, {
      ...cutOff,
      status: 'running',
      progress: {
        ...(first.progress ?? { rows: 0, bytes: 0, created: 0, updated: 0, unchanged: 0, skippedSuppressed: 0, rejected: 0 }),
        rows: 400,
      },
    });

    // act
    await wiring.queue.enqueue([{ type: 'import', jobId, actor: { id: 'someone', name: 'Quelqu’un' } }]);
    await wiring.queue.idle();
    const again = await readImportJob(wiring.deps, jobId);

    // assess
    expect(first.result).toMatchObject({ rows: ROWS, created: ROWS, unchanged: 0 });
    expect(again).toMatchObject({
      status: 'done',
      progress: { rows: ROWS },
      result: { rows: ROWS, created: 0, unchanged: ROWS, rejected: 0 },
    });
    expect(await wiring.deps.store.countMembersByStatus(list.id)).toMatchObject({ confirmed: ROWS });
  });
});

import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EmfMailMetrics } from '../../../functions/adapters/cloudwatch/emf-mail-metrics';
import type { MailMetrics } from '../../../functions/app/deps';
import { launchCampaign } from '../../../functions/app/launch-campaign';
import { addSubscriberToList, createList } from '../../../functions/app/manage-audience';
import { createRelease } from '../../../functions/app/manage-releases';
import { recordSesEvent } from '../../../functions/app/record-ses-event';
import { snapshotAudience } from '../../../functions/app/snapshot-audience';
import { fakeDeps, testBrand } from '../../support/fakes';

/** Records every count call, as the port receives it. */
class RecordingMetrics implements MailMetrics {
  readonly calls: [string, number][] = [];
  count(name: string, value: number) {
    this.calls.push([name, value]);
  }
  total(name: string) {
    return this.calls.filter(([n]) => n === name).reduce((sum, [, v]) => sum + v, 0);
  }
}

const fixture = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../fixtures/ses-events/${name}`, import.meta.url), 'utf8')) as Record<string, unknown>;

describe('mail counts reported by the workers', () => {
  it('a batch with sent, failed and skipped recipients counts each once, per settle group, and a redelivery counts nothing', async () => {
    const metrics = new RecordingMetrics();
    const { deps, store, mailer, queue } = fakeDeps({ metrics, batchSize: 10 });
    await store.putBrand(testBrand);
    const list = await createList(deps, { name: 'Presse', kind: 'press', optIn: 'single' });
    for (const n of [1, 2, 3, 4, 5]) await addSubscriberToList(deps, list.id, { email: `p${n}@example.org` });
    const release = await createRelease(deps, { brandId: 'cd41', title: 'Communiqué' });
    const { campaign } = await launchCampaign(deps, { releaseId: release.id, listIds: [list.id] });
    queue.messages.length = 0; // the launch message, run by hand below
    await snapshotAudience(deps, campaign.id);
    // Suppressed after the snapshot: skipped at send time.
    await store.suppress('p5@example.org', 'complaint', '2026-03-06T09:00:00Z');
    // One recipient refused by SES for itself: failed.
    mailer.failures.push(undefined, Object.assign(new Error('Illegal address'), { name: 'MessageRejected' }));

    const sendMessages = [...queue.messages];
    await queue.drain();

    expect((await store.getCampaign(campaign.id))?.counts).toMatchObject({ sent: 3, failed: 1, skipped: 1 });
    expect(metrics.total('MailsSent')).toBe(3);
    expect(metrics.total('MailsFailed')).toBe(1);
    expect(metrics.total('MailsSkipped')).toBe(1);
    // Five recipients settle in one group (SETTLE_GROUP is 25): one call per outcome kind, not one per mail.
    expect(metrics.calls.sort()).toEqual([
      ['MailsFailed', 1],
      ['MailsSent', 3],
      ['MailsSkipped', 1],
    ]);

    // Redelivered: every recipient already settled, nothing sent, nothing counted.
    await queue.enqueue(sendMessages);
    await queue.drain();
    expect(metrics.calls).toHaveLength(3);
  });

  it('feedback counts the addresses it suppresses, once per event', async () => {
    const metrics = new RecordingMetrics();
    const { deps } = fakeDeps({ metrics });
    const bounce = fixture('bounce-permanent.eventbridge.json');
    await recordSesEvent(deps, bounce);
    await recordSesEvent(deps, bounce); // delivered twice: suppressed again, counted once
    await recordSesEvent(deps, fixture('complaint.sns.json'));
    await recordSesEvent(deps, fixture('bounce-transient.json')); // below the limit: nobody suppressed
    expect(metrics.calls).toEqual([
      ['MailsSuppressed', 1],
      ['MailsSuppressed', 1],
    ]);
  });
});

describe('EmfMailMetrics (Powertools)', () => {
  afterEach(() => vi.restoreAllMocks());

  it('prints one EMF line with the Communique namespace, the service dimension and the counts', () => {
    const metrics = new EmfMailMetrics({});
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    metrics.count('MailsSent', 3);
    metrics.count('MailsSent', 2);
    metrics.count('MailsFailed', 1);
    metrics.flush();
    metrics.flush(); // nothing counted since: prints nothing
    write.mockRestore();

    expect(lines).toHaveLength(1);
    const emf = JSON.parse(lines[0] ?? '{}');
    expect(emf._aws.CloudWatchMetrics).toEqual([
      {
        Namespace: 'Communique',
        Dimensions: [['service']],
        Metrics: [
          { Name: 'MailsSent', Unit: 'Count' },
          { Name: 'MailsFailed', Unit: 'Count' },
        ],
      },
    ]);
    expect(typeof emf._aws.Timestamp).toBe('number');
    expect(emf.service).toBe('communique');
    expect(emf.MailsSent).toEqual([3, 2]);
    expect(emf.MailsFailed).toBe(1);
  });
});

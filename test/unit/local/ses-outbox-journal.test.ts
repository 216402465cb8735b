import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { keepSesOutboxIn } from '../../../local/ses-outbox-journal';

const dir = mkdtempSync(join(tmpdir(), 'communique-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Mail = { messageId: string; at: number; body?: { text?: string; html?: string }; headers?: { name: string; value: string }[] };
const require = createRequire(import.meta.url);
const emulator = require(join(dirname(require.resolve('aws-ses-v2-local')), 'store.js')) as {
  saveEmail(m: Mail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: Mail[] };
};

describe('the SES emulator’s outbox journal (npm start’s own emulator)', () => {
  it('restores the last 7 days at start, journals each accepted mail without its body, and empties with the store', () => {
    const now = 1_790_000_000;
    const path = join(dir, 'ses-outbox.jsonl');
    const ref = (v: string) => [{ name: 'X-Communique-Ref', value: v }];
    writeFileSync(
      path,
      [
        JSON.stringify({ messageId: 'old', at: now - 8 * 86_400, headers: ref('c1/s0') }),
        JSON.stringify({ messageId: 'kept', at: now - 60, headers: ref('c1/s1') }),
        '{"messageId":"cut sh', // a line a kill cut short
      ].join('\n'),
    );
    emulator.clearStore();

    expect(keepSesOutboxIn(path, now)).toBe(1);
    expect(emulator.getStoreReadonly().emails.map((m) => m.messageId)).toEqual(['kept']);
    expect(emulator.getStoreReadonly().emails[0]?.headers).toEqual(ref('c1/s1'));
    expect(emulator.getStoreReadonly().emails[0]?.body?.text).toMatch(/non conservé/);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(1);

    emulator.saveEmail({ messageId: 'new', at: now, body: { html: '<p>40 Kio de HTML</p>', text: 'texte' }, headers: ref('c1/s2') });
    const lines = readFileSync(path, 'utf8').trim().split('\n');
    expect(lines.map((l) => (JSON.parse(l) as Mail).messageId)).toEqual(['kept', 'new']);
    expect(JSON.parse(lines[1] ?? '{}')).not.toHaveProperty('body');
    expect(emulator.getStoreReadonly().emails.at(-1)?.body?.html).toBe('<p>40 Kio de HTML</p>'); // the live outbox keeps it

    expect(keepSesOutboxIn(path, now)).toBe(0); // started again in this process: nothing restored twice
    expect(emulator.getStoreReadonly().emails).toHaveLength(2);

    emulator.clearStore();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(emulator.getStoreReadonly().emails).toEqual([]);
  });
});

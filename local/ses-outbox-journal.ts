import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** A mail as the SES emulator (`aws-ses-v2-local`) keeps it in its store. */
interface EmulatorMail {
  readonly messageId: string;
  readonly subject?: string;
  readonly body?: { html?: string; text?: string };
  readonly attachments?: unknown;
  readonly headers?: readonly { name: string; value: string }[];
  /** Epoch seconds. */
  readonly at: number;
  readonly [field: string]: unknown;
}

interface EmulatorStoreModule {
  saveEmail(email: EmulatorMail): void;
  clearStore(): void;
  getStoreReadonly(): { emails: EmulatorMail[] };
}

/** Mails older than this are not restored (nor kept in the journal): reconciliation looks back minutes, not weeks. */
const KEPT_S = 7 * 24 * 3600;
const RESTORED_BODY = '(corps non conservé : courriel accepté avant un redémarrage de Communiqué)';

/** The journal the emulator's store writes to; its wrappers are installed once, at the first call. */
let journal: string | undefined;

/**
 * Makes the in-process SES emulator's outbox outlive the process (`npm start` without an
 * external emulator). The emulator keeps accepted mails in memory only, so a `kill -9` used to
 * lose them: reconciliation then found no trace of a mail SES had accepted before the worker
 * recorded it, released its claim, and the mail was sent again. Now each accepted mail is
 * appended to `path` (without its body and attachments: what reconciliation reads is the
 * message id and the reference header) before the emulator answers, synchronously, and the
 * journal of the last 7 days is loaded back into the emulator's store at the next start.
 * Clearing the emulator's store clears the journal. Returns how many mails were restored.
 */
export function keepSesOutboxIn(path: string, nowS: number = Math.floor(Date.now() / 1000)): number {
  // Started again in the same process with the same folder (tests): the store already holds it all.
  if (journal === path) return 0;
  const store = emulatorStore();
  mkdirSync(dirname(path), { recursive: true });
  const kept: EmulatorMail[] = [];
  if (existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        const mail = JSON.parse(line) as EmulatorMail;
        if (typeof mail.messageId === 'string' && typeof mail.at === 'number' && mail.at >= nowS - KEPT_S) kept.push(mail);
      } catch {
        // A line cut short by a kill in the middle of its write: that mail's answer never left the emulator either.
      }
    }
    // Rewritten with what is kept, through a temporary file so that a crash here loses nothing.
    writeFileSync(`${path}.tmp`, kept.map((m) => `${JSON.stringify(m)}\n`).join(''));
    renameSync(`${path}.tmp`, path);
  }
  store.getStoreReadonly().emails.push(...kept.map((m) => ({ ...m, body: { text: RESTORED_BODY }, attachments: [] })));

  // A second runtime in the same process with another folder (tests) shares the one emulator: the journal follows the latest.
  if (journal === undefined) {
    const save = store.saveEmail;
    const clear = store.clearStore;
    store.saveEmail = (email) => {
      const { body: _body, attachments: _attachments, ...trace } = email;
      if (journal) appendFileSync(journal, `${JSON.stringify(trace)}\n`);
      save(email);
    };
    store.clearStore = () => {
      if (journal) writeFileSync(journal, '');
      clear();
    };
  }
  journal = path;
  return kept.length;
}

/** The emulator's store module, the very instance its HTTP handlers call (through its exports, at each call). */
function emulatorStore(): EmulatorStoreModule {
  const require = createRequire(import.meta.url);
  return require(join(dirname(require.resolve('aws-ses-v2-local')), 'store.js')) as EmulatorStoreModule;
}

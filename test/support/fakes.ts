import type { AppDeps } from '../../functions/app/deps';
import { handleSendMessage } from '../../functions/app/handle-send-message';
import { runImportJob } from '../../functions/app/run-import-job';
import type { Brand } from '../../functions/domain/brand';
import type { Clock, Mailer, OutgoingMail, SendMessage, SendQueue } from '../../functions/ports';
import type { CompiledMail } from '../../functions/render/compiled-mail';
import { InMemoryMediaStore } from './in-memory-media-store';
import { InMemoryStore } from './in-memory-store';
import { InMemoryUserStore } from './in-memory-user-store';

export class FakeMailer implements Mailer {
  readonly sent: (OutgoingMail & { messageId: string })[] = [];
  /** Errors to throw for the next sends, in order (undefined = succeed). */
  readonly failures: (Error | undefined)[] = [];

  async send(mail: OutgoingMail) {
    const failure = this.failures.shift();
    if (failure) throw failure;
    const messageId = `msg-${this.sent.length + 1}`;
    this.sent.push({ ...mail, messageId });
    return { messageId };
  }
  async ping() {
    return true;
  }
}

export class ManualClock implements Clock {
  constructor(private current = new Date('2026-03-06T09:00:00Z')) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
}

/** Holds messages until `drain`, which delivers them like a queue: a failed message is delivered again. */
export class ManualQueue implements SendQueue {
  readonly messages: SendMessage[] = [];
  readonly delivered: SendMessage[] = [];
  deps?: AppDeps;

  async enqueue(messages: readonly SendMessage[]) {
    this.messages.push(...structuredClone(messages));
  }

  async drain(maxReceives = 5): Promise<{ deadLetters: SendMessage[] }> {
    const deadLetters: SendMessage[] = [];
    const receives = new Map<SendMessage, number>();
    while (this.messages.length > 0) {
      const m = this.messages.shift() as SendMessage;
      this.delivered.push(m);
      try {
        await handleSendMessage(this.deps as AppDeps, m);
      } catch {
        const n = (receives.get(m) ?? 0) + 1;
        receives.set(m, n);
        if (n >= maxReceives) deadLetters.push(m);
        else this.messages.push(m);
      }
    }
    return { deadLetters };
  }
}

/** Stands in for the MJML renderer in use-case tests (the renderer has its own tests). */
export async function fakeCompile(input: { content: { title: string } }): Promise<CompiledMail> {
  return {
    formatVersion: 1,
    subject: input.content.title,
    html: ['<p>Bonjour ', { v: 'name' }, '</p><a href="', { v: 'unsubscribeUrl' }, '">désinscription</a>'],
    text: ['Bonjour ', { v: 'name' }, '\nDésinscription : ', { v: 'unsubscribeUrl' }],
  };
}

/** Stands in for the MJML web page: the title and, for events, the calendar link. */
export async function fakeWebPage(input: { content: { title: string }; calendarUrl?: string }): Promise<string> {
  return `<!doctype html><html lang="fr"><h1>${input.content.title}</h1>${input.calendarUrl ? `<a href="${input.calendarUrl}">Ajouter à mon agenda</a>` : ''}</html>`;
}

/** The fake renderer for wirings built in tests. */
export const fakeRenderer = { compileRelease: fakeCompile, renderWebPage: fakeWebPage };

export const testBrand: Brand = {
  id: 'cd41',
  name: 'Conseil départemental de Loir-et-Cher',
  senderName: 'Conseil départemental de Loir-et-Cher',
  senderEmail: 'presse@example.org',
  colours: { primary: '#00557f', text: '#1a1a1a' },
  footer: '',
  socialLinks: [],
  boilerplate: [],
  pressContacts: [],
  review: { required: false, allowSelfApproval: false },
};

export function fakeDeps(overrides: Partial<AppDeps> = {}) {
  const store = new InMemoryStore();
  const users = new InMemoryUserStore();
  const mailer = new FakeMailer();
  const queue = new ManualQueue();
  const clock = new ManualClock();
  let n = 0;
  const deps: AppDeps = {
    store,
    mailer,
    queue,
    clock,
    tokenKeys: { currentKeyId: 'k1', keys: { k1: 'test-secret' } },
    publicBaseUrl: 'https://communique.example.org',
    newId: () => `id-${++n}`,
    compileRelease: fakeCompile,
    renderWebPage: fakeWebPage,
    batchSize: 3,
    users,
    media: new InMemoryMediaStore(),
    runImport: async (jobId, actor) => {
      await runImportJob(deps, jobId, actor);
    },
    ...overrides,
  };
  queue.deps = deps;
  return { deps, store, mailer, queue, clock, users };
}

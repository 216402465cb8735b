import type { TokenKeyRing } from '../domain/tokens';
import type { CampaignScheduler, Clock, DeadLetterQueue, Mailer, MediaStore, SendQueue, Store, UserStore } from '../ports';
import type { CompileInput, WebPageInput } from '../render/compile-release';
import type { CompiledMail } from '../render/compiled-mail';

/** What the send worker needs: no renderer, so MJML stays out of its bundle. */
export interface SendDeps {
  readonly store: Store;
  readonly mailer: Mailer;
  readonly queue: SendQueue;
  readonly clock: Clock;
  readonly tokenKeys: TokenKeyRing;
  readonly publicBaseUrl: string;
  /** Recipients per queue message. */
  readonly batchSize?: number;
  /**
   * Spaces sends to the SES rate; absent = unpaced (tests). `acquireWithin` (SendPacer has it)
   * answers false at once when the caller's turn would come too late for its time budget.
   */
  readonly pacer?: { acquire(): Promise<void>; acquireWithin?(withinMs: number): Promise<boolean> };
  /**
   * Reads the account's sending rate into the pacer before a batch sends (AWS: SES GetAccount,
   * once per worker instance). When it throws, the campaign pauses with the reason: no rate is
   * guessed. Absent = the pacer's rate is already right (local runtime, tests).
   */
  readonly ensureSendRate?: () => Promise<void>;
  /**
   * Where control messages go (fire, sweep, launch), so that a send backlog never delays them
   * past a schedule's cutoff. Absent = the send queue (local runtime, tests).
   */
  readonly controlQueue?: SendQueue;
  /**
   * How long a running campaign's ledger may stay unchanged, with recipients pending and none
   * claimed, before the sweep decides no message covers them any more and queues them again
   * (see sendQueueSizing's `uncoveredAfterSeconds`). Default DEFAULT_UNCOVERED_AFTER_MS.
   */
  readonly uncoveredAfterMs?: number;
  /** The dead-letter queue, for `communique dlq` (list, redrive); absent where none is wired. */
  readonly deadLetters?: DeadLetterQueue;
  /**
   * Finds the mails SES accepted, by their reference header, when the ledger did not record them
   * (local: the emulator's store). One call for a whole reconciliation pass: returns the message
   * id of each reference found; `acceptedSince` (ISO time) lets the adapter skip older mails.
   */
  readonly sentMail?: {
    findByRefs(refs: readonly string[], acceptedSince?: string): Promise<ReadonlyMap<string, string>>;
  };
  readonly scheduler?: CampaignScheduler;
  /** A schedule firing later than this after its time does not send: the campaign is `missed`. */
  readonly lateCutoffMs?: number;
  /** Backoff between throttled attempts; absent = retry at once (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Counts of what became of mails (AWS: CloudWatch EMF through Powertools); absent = not counted (local runtime, tests). */
  readonly metrics?: MailMetrics;
  /**
   * Runs an import job for an `import` message (runImportJob, bound to deps with the import file
   * store). Injected by the entry points that carry the CSV reader, so the send worker's bundle
   * does not; a worker without it fails the message (it is retried, then dead-lettered).
   */
  readonly runImport?: (jobId: string, actor: { readonly id: string; readonly name: string }) => Promise<void>;
}

/**
 * The mail counts the workers report, all of unit Count (see worker-wiring.ts; the dashboard in
 * infra/constructs/monitoring.ts graphs them):
 * - `MailsSent`: accepted by SES and recorded `sent` by the send worker;
 * - `MailsFailed`: recorded `failed` (refused for the recipient, or a passing failure at the last delivery);
 * - `MailsSkipped`: not sent at send time, the address suppressed or unsubscribed since the launch;
 * - `MailsSuppressed`: addresses put on the suppression list by SES feedback (permanent bounce,
 *   complaint, transient bounces past the limit).
 * Counted once per settle group or per event, for what was actually written: a redelivery counts nothing twice.
 */
export interface MailMetrics {
  count(name: 'MailsSent' | 'MailsFailed' | 'MailsSkipped' | 'MailsSuppressed', value: number): void;
}

/**
 * The MJML renderer, injected by the entry points that may render (API, local runtime, CLI) so
 * that nothing the send and feedback workers import pulls MJML into their bundles.
 */
export interface Renderer {
  readonly compileRelease: (input: CompileInput) => Promise<CompiledMail>;
  /** The public web version: the mail's layout without per-recipient links. */
  readonly renderWebPage: (input: WebPageInput) => Promise<string>;
}

/** What the API's use-cases need. */
export interface AppDeps extends SendDeps, Renderer {
  readonly newId: () => string;
  /** Workspace accounts and sessions (sign-in). */
  readonly users: UserStore;
  /** The media library (images and PDFs of releases, brand logos). */
  readonly media: MediaStore;
  /** Uploaded CSV files of the import wizard, until its job has read them (kept in memory when absent). */
  readonly importFiles?: import('./import-files').ImportFileStore;
  /** Where the wizard's `import` messages go (AWS: IMPORT_QUEUE_URL, consumed by handlers/import.ts); absent = the control queue. */
  readonly importQueue?: SendQueue;
}

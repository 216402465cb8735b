import type { TokenKeyRing } from '../domain/tokens';
import type { CampaignScheduler, Clock, Mailer, SendQueue, Store } from '../ports';
import type { CompiledMail } from '../render/compiled-mail';
import type { CompileInput } from '../render/compile-release';

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
  /** Spaces sends to the SES rate; absent = unpaced (tests). */
  readonly pacer?: { acquire(): Promise<void> };
  /** Finds a mail SES accepted by its reference header, when the ledger did not record it (local: the emulator's store). */
  readonly sentMail?: { findByRef(ref: string): Promise<string | undefined> };
  readonly scheduler?: CampaignScheduler;
  /** A schedule firing later than this after its time does not send: the campaign is `missed`. */
  readonly lateCutoffMs?: number;
  /** Backoff between throttled attempts; absent = retry at once (tests). */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** What the API's use-cases need. */
export interface AppDeps extends SendDeps {
  readonly newId: () => string;
  readonly compileRelease: (input: CompileInput) => Promise<CompiledMail>;
}

import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MailMetrics } from '../../app/deps';

/** The CloudWatch namespace of the mail counts (the dashboard in infra/constructs/monitoring.ts reads it). */
export const MAIL_METRICS_NAMESPACE = 'Communique';
/** The `service` dimension Powertools adds to every metric, unless POWERTOOLS_SERVICE_NAME says otherwise. */
export const MAIL_METRICS_SERVICE = 'communique';

/**
 * The mail counts as CloudWatch Embedded Metric Format lines: Powertools buffers them and
 * `flush` prints one JSON line to stdout, which CloudWatch Logs turns into metrics. No API call,
 * so no IAM permission beyond the function's log group. Call `flush` at the end of every
 * invocation (in a finally): a Lambda instance frozen with a full buffer would carry its counts
 * into the next invocation, or lose them.
 */
export class EmfMailMetrics implements MailMetrics {
  readonly #metrics: Metrics;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.#metrics = new Metrics({
      namespace: MAIL_METRICS_NAMESPACE,
      serviceName: env.POWERTOOLS_SERVICE_NAME || MAIL_METRICS_SERVICE,
    });
  }

  count(name: Parameters<MailMetrics['count']>[0], value: number): void {
    this.#metrics.addMetric(name, MetricUnit.Count, value);
  }

  /** Prints what was counted since the last flush; nothing (and no Powertools warning) when nothing was. */
  flush(): void {
    if (this.#metrics.hasStoredMetrics()) this.#metrics.publishStoredMetrics();
  }
}

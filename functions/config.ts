import { type Role, roles } from './domain/actor';

/** Thrown once at start with every missing or invalid variable, so a deploy fails loudly and completely. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/**
 * The AWS env, checked by hand rather than with zod: this module is in the send and feedback
 * workers' bundles, where zod alone weighed 80 % (issue 13). Every problem is listed at once.
 */
class EnvReader {
  readonly problems: string[] = [];
  constructor(private readonly env: NodeJS.ProcessEnv) {}

  private present(name: string): string | undefined {
    const v = this.env[name];
    return v === undefined || v === '' ? undefined : v;
  }

  text(name: string): string;
  text(name: string, optional: 'optional'): string | undefined;
  text(name: string, optional?: 'optional'): string | undefined {
    const v = this.present(name);
    if (v === undefined && !optional) this.problems.push(`${name}: Required`);
    return v;
  }

  url(name: string): string;
  url(name: string, optional: 'optional'): string | undefined;
  url(name: string, optional?: 'optional'): string | undefined {
    const v = optional ? this.text(name, optional) : this.text(name);
    if (v !== undefined && !URL.canParse(v)) this.problems.push(`${name}: Invalid URL`);
    return v;
  }

  /** A number > 0 (an integer ≥ 1 when `integer`), or `fallback` when unset. */
  positive(name: string, options: { integer?: boolean; fallback?: number } = {}): number | undefined {
    const v = this.present(name);
    if (v === undefined) return options.fallback;
    const n = Number(v);
    const ok = Number.isFinite(n) && n > 0 && (!options.integer || Number.isInteger(n));
    if (!ok) this.problems.push(`${name}: ${options.integer ? 'entier ≥ 1' : 'nombre positif'} attendu, reçu « ${v} »`);
    return ok ? n : options.fallback;
  }
}

export interface AppConfig {
  readonly region: string;
  readonly tableName: string;
  readonly publicBaseUrl: string;
  readonly sesConfigurationSet?: string;
  /** Overrides the MaxSendRate read from SES GetAccount. */
  readonly sesMaxSendRate?: number;
  /** Explicit endpoints (local emulators); absent in AWS. */
  readonly dynamoEndpoint?: string;
  readonly sesEndpoint?: string;
  /** COMMUNIQUE_BRAND_ID: the press office's own brand, shown in the workspace frame (else the first in the table). */
  readonly brandId?: string;
}

export interface AwsConfig extends AppConfig {
  readonly sendQueueUrl: string;
  readonly controlQueueUrl?: string;
  readonly deadLetterQueue?: { readonly url: string; readonly arn: string };
  readonly uncoveredAfterMs?: number;
  /** Only the api function reads the admin token (see requireAdminTokenArn). */
  readonly adminTokenSecretArn?: string;
  readonly tokenKeysSecretArn: string;
  readonly sendConcurrency: number;
  readonly scheduler?: { readonly groupName: string; readonly roleArn: string; readonly queueArn: string };
  readonly lateCutoffMs: number;
}

export function loadAwsConfig(env: NodeJS.ProcessEnv): AwsConfig {
  const r = new EnvReader(env);
  const e = {
    AWS_REGION: r.text('AWS_REGION'),
    TABLE_NAME: r.text('TABLE_NAME'),
    SEND_QUEUE_URL: r.url('SEND_QUEUE_URL'),
    PUBLIC_BASE_URL: r.url('PUBLIC_BASE_URL'),
    ADMIN_TOKEN_SECRET_ARN: r.text('ADMIN_TOKEN_SECRET_ARN', 'optional'),
    TOKEN_KEYS_SECRET_ARN: r.text('TOKEN_KEYS_SECRET_ARN'),
    SES_CONFIGURATION_SET: r.text('SES_CONFIGURATION_SET', 'optional'),
    /** Concurrent send workers (the send Lambda's reserved concurrency): each paces at MaxSendRate / this. */
    SEND_CONCURRENCY: r.positive('SEND_CONCURRENCY', { integer: true, fallback: 2 }) as number,
    SES_MAX_SEND_RATE: r.positive('SES_MAX_SEND_RATE'),
    /** EventBridge Scheduler (api function only): group, role it assumes, queue it targets. */
    SCHEDULER_GROUP_NAME: r.text('SCHEDULER_GROUP_NAME', 'optional'),
    SCHEDULER_ROLE_ARN: r.text('SCHEDULER_ROLE_ARN', 'optional'),
    SEND_QUEUE_ARN: r.text('SEND_QUEUE_ARN', 'optional'),
    /** The control queue (fire, sweep, launch), apart from the send backlog; absent = the send queue. */
    CONTROL_QUEUE_URL: r.url('CONTROL_QUEUE_URL', 'optional'),
    CONTROL_QUEUE_ARN: r.text('CONTROL_QUEUE_ARN', 'optional'),
    /** The dead-letter queue of both queues (api function: `communique dlq` through /api/dead-letters). */
    DEAD_LETTER_QUEUE_URL: r.url('DEAD_LETTER_QUEUE_URL', 'optional'),
    DEAD_LETTER_QUEUE_ARN: r.text('DEAD_LETTER_QUEUE_ARN', 'optional'),
    /** Seconds a running campaign's ledger may stay still before the sweep queues its pending recipients again (sendQueueSizing). */
    UNCOVERED_AFTER_SECONDS: r.positive('UNCOVERED_AFTER_SECONDS'),
    SCHEDULE_LATE_CUTOFF_MINUTES: r.positive('SCHEDULE_LATE_CUTOFF_MINUTES', { fallback: 15 }) as number,
    COMMUNIQUE_BRAND_ID: r.text('COMMUNIQUE_BRAND_ID', 'optional'),
  };
  if (r.problems.length > 0) throw new ConfigError(r.problems);
  return {
    region: e.AWS_REGION,
    tableName: e.TABLE_NAME,
    publicBaseUrl: e.PUBLIC_BASE_URL.replace(/\/$/, ''),
    sesConfigurationSet: e.SES_CONFIGURATION_SET,
    sendQueueUrl: e.SEND_QUEUE_URL,
    controlQueueUrl: e.CONTROL_QUEUE_URL,
    deadLetterQueue:
      e.DEAD_LETTER_QUEUE_URL && e.DEAD_LETTER_QUEUE_ARN ? { url: e.DEAD_LETTER_QUEUE_URL, arn: e.DEAD_LETTER_QUEUE_ARN } : undefined,
    uncoveredAfterMs: e.UNCOVERED_AFTER_SECONDS === undefined ? undefined : e.UNCOVERED_AFTER_SECONDS * 1000,
    adminTokenSecretArn: e.ADMIN_TOKEN_SECRET_ARN,
    tokenKeysSecretArn: e.TOKEN_KEYS_SECRET_ARN,
    sendConcurrency: e.SEND_CONCURRENCY,
    sesMaxSendRate: e.SES_MAX_SEND_RATE,
    scheduler:
      e.SCHEDULER_GROUP_NAME && e.SCHEDULER_ROLE_ARN && (e.CONTROL_QUEUE_ARN ?? e.SEND_QUEUE_ARN)
        ? {
            groupName: e.SCHEDULER_GROUP_NAME,
            roleArn: e.SCHEDULER_ROLE_ARN,
            queueArn: (e.CONTROL_QUEUE_ARN ?? e.SEND_QUEUE_ARN) as string,
          }
        : undefined,
    lateCutoffMs: e.SCHEDULE_LATE_CUTOFF_MINUTES * 60_000,
    brandId: e.COMMUNIQUE_BRAND_ID,
  };
}

export interface LocalConfig extends AppConfig {
  readonly port: number;
  readonly dynamoPort: number;
  readonly sesPort: number;
  readonly dataDir: string;
  /** Set when AWS_ENDPOINT_URL_* points at an emulator someone else runs. */
  readonly externalDynamo: boolean;
  readonly externalSes: boolean;
  readonly adminToken?: string;
  /** OIDC sign-in next to local accounts (OIDC_* variables), when configured. */
  readonly oidc?: OidcConfig;
}

/** Local runtime: every variable has a default that just works. */
export function loadLocalConfig(env: NodeJS.ProcessEnv): LocalConfig {
  const problems: string[] = [];
  const port = (name: string, fallback: number) => {
    const raw = env[name];
    const n = raw === undefined ? fallback : raw.trim() === '' ? Number.NaN : Number(raw);
    const ok = Number.isInteger(n) && n >= 1 && n <= 65535;
    if (!ok) problems.push(`${name}: port attendu (1-65535), reçu « ${raw} »`);
    return ok ? n : fallback;
  };
  const appPort = port('PORT', 3000);
  const dynamoPort = port('DYNAMODB_PORT', 8000);
  const sesPort = port('SES_PORT', 8005);
  const rate = env.SES_MAX_SEND_RATE === undefined ? undefined : Number(env.SES_MAX_SEND_RATE);
  if (rate !== undefined && !(rate > 0)) problems.push(`SES_MAX_SEND_RATE: nombre positif attendu, reçu « ${env.SES_MAX_SEND_RATE} »`);
  if (problems.length > 0) throw new ConfigError(problems);
  const dynamoEndpoint = env.AWS_ENDPOINT_URL_DYNAMODB ?? `http://127.0.0.1:${dynamoPort}`;
  const sesEndpoint = env.AWS_ENDPOINT_URL_SESV2 ?? `http://127.0.0.1:${sesPort}`;
  return {
    region: env.AWS_REGION ?? 'eu-west-3',
    tableName: env.TABLE_NAME ?? 'communique',
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${appPort}`).replace(/\/$/, ''),
    sesConfigurationSet: env.SES_CONFIGURATION_SET,
    sesMaxSendRate: rate,
    dynamoEndpoint,
    sesEndpoint,
    port: appPort,
    dynamoPort,
    sesPort,
    dataDir: env.DATA_DIR ?? '.data',
    externalDynamo: env.AWS_ENDPOINT_URL_DYNAMODB !== undefined,
    externalSes: env.AWS_ENDPOINT_URL_SESV2 !== undefined,
    adminToken: env.COMMUNIQUE_ADMIN_TOKEN,
    brandId: env.COMMUNIQUE_BRAND_ID?.trim() || undefined,
    oidc: loadOidcConfig(env),
  };
}

/**
 * Sign-in through the organisation's OpenID Connect provider, next to local accounts. The role
 * comes from one claim of the ID token (`roleClaim`, e.g. `groups`), mapped by `roleMap`.
 */
export interface OidcConfig {
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** Shown on the button: « Se connecter avec <providerName> ». */
  readonly providerName: string;
  readonly roleClaim: string;
  /** Claim value (a group) → role. A person none of whose values is here is refused. */
  readonly roleMap: Readonly<Record<string, Role>>;
}

const oidcVariables = [
  'OIDC_ISSUER',
  'OIDC_CLIENT_ID',
  'OIDC_CLIENT_SECRET',
  'OIDC_PROVIDER_NAME',
  'OIDC_ROLE_CLAIM',
  'OIDC_ROLE_MAP',
] as const;

/** Only a loopback issuer may be plain http (the local runtime and its tests). */
export const isLoopbackHttp = (url: URL) => url.protocol === 'http:' && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);

/**
 * OIDC sign-in: undefined when none of the OIDC_* variables is set; all six together otherwise,
 * or a ConfigError naming what is missing or wrong (a half-configured provider never starts).
 */
export function loadOidcConfig(env: NodeJS.ProcessEnv): OidcConfig | undefined {
  const value = (name: (typeof oidcVariables)[number]) => (env[name] === undefined || env[name] === '' ? undefined : env[name]);
  const set = oidcVariables.filter((n) => value(n) !== undefined);
  if (set.length === 0) return undefined;
  const problems: string[] = [];
  const missing = oidcVariables.filter((n) => value(n) === undefined);
  if (missing.length > 0)
    problems.push(`OIDC sign-in is partly configured: set all of ${oidcVariables.join(', ')} or none (missing: ${missing.join(', ')})`);
  const issuer = value('OIDC_ISSUER');
  if (issuer !== undefined) {
    const url = URL.canParse(issuer) ? new URL(issuer) : undefined;
    if (!url) problems.push(`OIDC_ISSUER: Invalid URL « ${issuer} »`);
    else if (url.protocol !== 'https:' && !isLoopbackHttp(url)) problems.push(`OIDC_ISSUER: https required (got « ${issuer} »)`);
  }
  const roleMap: Record<string, Role> = {};
  const rawMap = value('OIDC_ROLE_MAP');
  if (rawMap !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(rawMap);
    } catch {
      parsed = undefined;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.keys(parsed).length === 0)
      problems.push(`OIDC_ROLE_MAP: a JSON object of claim value → role expected, e.g. {"presse":"publisher"} (got « ${rawMap} »)`);
    else
      for (const [group, role] of Object.entries(parsed)) {
        if (typeof role === 'string' && (roles as readonly string[]).includes(role)) roleMap[group] = role as Role;
        else problems.push(`OIDC_ROLE_MAP: « ${group} » maps to « ${String(role)} », not one of ${roles.join(', ')}`);
      }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    issuer: issuer as string,
    clientId: value('OIDC_CLIENT_ID') as string,
    clientSecret: value('OIDC_CLIENT_SECRET') as string,
    providerName: (value('OIDC_PROVIDER_NAME') as string).trim(),
    roleClaim: (value('OIDC_ROLE_CLAIM') as string).trim(),
    roleMap,
  };
}

/** The api function cannot start without the admin token's secret; the send function never needs it. */
export function requireAdminTokenArn(config: AwsConfig): string {
  if (!config.adminTokenSecretArn) throw new ConfigError(['ADMIN_TOKEN_SECRET_ARN: Required']);
  return config.adminTokenSecretArn;
}

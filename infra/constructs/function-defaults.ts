import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, posix, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';

/** The repository root: entries, package-lock.json and esbuild are resolved from here, whatever the cwd. */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * esbuild emits ESM (the handlers use top-level await); some bundled CommonJS dependencies
 * still call `require`, which does not exist in an ES module unless we recreate it.
 */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/**
 * The AWS SDK packages the code imports that the nodejs24.x runtime ships (every `client-*` and
 * lib-dynamodb), for a function that must bundle some other `@aws-sdk/*` package: esbuild's
 * `--external` cannot say "all of `@aws-sdk/*` but one", so such a function lists what stays
 * external instead. What the runtime does not ship (`@aws-sdk/s3-presigned-post`) is then bundled,
 * together with the `@aws-sdk/core` subpaths it imports (`@aws-sdk/core/util`), so it never
 * depends on which SDK version the runtime happens to carry.
 */
export const RUNTIME_AWS_SDK_MODULES: readonly string[] = ['@aws-sdk/client-*', '@aws-sdk/lib-dynamodb'];

export interface CommuniqueFunctionProps {
  /** Handler file, relative to the repository root (e.g. `functions/handlers/api.ts`) or absolute. */
  readonly entry: string;
  readonly description?: string;
  /** Default 30 seconds. */
  readonly timeout?: Duration;
  /** Default 512 MB. */
  readonly memorySize?: number;
  readonly environment?: Readonly<Record<string, string>>;
  readonly reservedConcurrentExecutions?: number;
  /** X-Ray active tracing. Default off. */
  readonly tracing?: boolean;
  /** Default one month. */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Repository folders the code reads at run time (e.g. `templates`), copied into the bundle at
   * the same place relative to the root.
   */
  readonly bundledDirs?: readonly string[];
  /**
   * Modules left out of the bundle, to the runtime. Default `@aws-sdk/*` (the whole SDK v3, which
   * the runtime provides); RUNTIME_AWS_SDK_MODULES when the function imports an SDK package the
   * runtime lacks.
   */
  readonly externalModules?: readonly string[];
  /**
   * Lambda's own START/END/REPORT lines. `warnings-only` keeps only the platform's warnings and
   * errors (JSON log format, system log level WARN): for the functions invoked once or more per
   * mail, where those lines were most of the log bytes billed (bench/aws-cost.ts). Duration and
   * memory remain in CloudWatch metrics. Default `all`.
   */
  readonly platformLogs?: 'all' | 'warnings-only';
}

/**
 * A Lambda function with the project's shared defaults: Node.js 24 (the newest LTS Lambda offers) on ARM64, bundled locally by
 * esbuild (never Docker) as minified ESM with source maps, AWS SDK v3 left to the runtime, the
 * repository layout mirrored in the bundle, and its own log group with a bounded retention.
 */
export class CommuniqueFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CommuniqueFunctionProps) {
    const entry = isAbsolute(props.entry) ? props.entry : join(PROJECT_ROOT, props.entry);
    if (!existsSync(entry)) throw new Error(`CommuniqueFunction ${id}: entry file not found: ${entry}`);
    const memorySize = props.memorySize ?? 512;
    if (!Number.isInteger(memorySize) || memorySize < 128 || memorySize > 10_240) {
      throw new Error(`CommuniqueFunction ${id}: memorySize must be an integer between 128 and 10240, got ${memorySize}`);
    }
    const entryDir = relative(PROJECT_ROOT, dirname(entry)).split(sep).join('/');
    if (entryDir === '' || entryDir.startsWith('..')) {
      throw new Error(`CommuniqueFunction ${id}: entry must live in a folder of the repository, got ${entry}`);
    }
    for (const dir of props.bundledDirs ?? []) {
      if (isAbsolute(dir) || dir.split(/[\\/]/).includes('..') || !existsSync(join(PROJECT_ROOT, dir))) {
        throw new Error(`CommuniqueFunction ${id}: bundledDirs must be existing folders relative to the repository root, got "${dir}"`);
      }
    }
    if (props.environment && 'NODE_OPTIONS' in props.environment) {
      throw new Error(`CommuniqueFunction ${id}: NODE_OPTIONS is set by the defaults (--enable-source-maps)`);
    }

    // A sibling of the function: `this` cannot be used as a scope before super().
    const logGroup = new logs.LogGroup(scope, `${id}Logs`, {
      retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });

    // Its own role without AWSLambdaBasicExecutionRole (logs:* on every log group of the account):
    // the function may only write to its own log group.
    const role = new iam.Role(scope, `${id}Role`, {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Communiqué ${id}: execution role`,
    });
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'WriteOwnLogs',
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );

    super(scope, id, {
      entry,
      role,
      // The bundle sits where its entry sits in the repository (functions/handlers/index.mjs),
      // so paths the code builds from import.meta.url (`../../templates/`) resolve in Lambda as
      // they do locally.
      handler: `${entryDir}/index.handler`,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      timeout: props.timeout ?? Duration.seconds(30),
      memorySize,
      reservedConcurrentExecutions: props.reservedConcurrentExecutions,
      tracing: props.tracing ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      logGroup,
      ...(props.platformLogs === 'warnings-only'
        ? { loggingFormat: lambda.LoggingFormat.JSON, systemLogLevelV2: lambda.SystemLogLevel.WARN }
        : {}),
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      bundling: {
        forceDockerBundling: false,
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        sourceMap: true,
        // Keeps the source map small: stack traces need the mappings, not the original text.
        sourcesContent: false,
        // Provided by the nodejs24.x runtime.
        externalModules: [...(props.externalModules ?? ['@aws-sdk/*'])],
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => [
            `mkdir -p "${outputDir}/${entryDir}"`,
            `mv "${outputDir}/index.mjs" "${outputDir}/index.mjs.map" "${outputDir}/${entryDir}/"`,
            ...(props.bundledDirs ?? []).flatMap((dir) => [
              `mkdir -p "${outputDir}/${posix.dirname(dir)}"`,
              `cp -R "${inputDir}/${dir}" "${outputDir}/${dir}"`,
            ]),
          ],
        },
      },
    });
  }
}

import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as ses from 'aws-cdk-lib/aws-ses';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { grantStoreAccess } from './data';
import { CommuniqueFunction, RUNTIME_AWS_SDK_MODULES } from './function-defaults';
import { grantGetSecretValue } from './grants';
import { acknowledgeRule } from './nag-acknowledgements';

export interface ApiConstructProps {
  readonly table: dynamodb.ITable;
  readonly sendQueue: sqs.IQueue;
  readonly configurationSet: ses.IConfigurationSet;
  /**
   * Absolute https URL the public pages and mail links use (custom domain, CloudFront...).
   * Default: the HTTP API's own endpoint.
   */
  readonly publicBaseUrl?: string;
  /** Steady-state request rate of the default stage (requests per second). Default 50. */
  readonly throttleRateLimit?: number;
  /** Burst of the default stage. Default 100. */
  readonly throttleBurstLimit?: number;
  readonly tracing?: boolean;
}

/**
 * The HTTP API: one Hono Lambda behind the `$default` route serves the admin JSON API, the
 * admin pages and the public pages (subscribe, preferences, unsubscribe, newsroom, RSS).
 * Owns the admin token and the link-signing key ring.
 */
export class ApiConstruct extends Construct {
  public readonly httpApi: apigwv2.HttpApi;
  public readonly apiFunction: CommuniqueFunction;
  public readonly adminTokenSecret: secretsmanager.Secret;
  /** JSON `{"currentKeyId":"k1","k1":"<random>"}`; rotate by adding k2 and switching currentKeyId. */
  public readonly tokenKeysSecret: secretsmanager.Secret;
  /** The API endpoint, `https://{id}.execute-api.{region}.amazonaws.com` (no trailing slash). */
  public readonly apiUrl: string;
  /** `props.publicBaseUrl`, else `apiUrl`. */
  public readonly publicBaseUrl: string;

  constructor(scope: Construct, id: string, props: ApiConstructProps) {
    super(scope, id);
    if (props.publicBaseUrl !== undefined && !Token.isUnresolved(props.publicBaseUrl)) {
      let url: URL | undefined;
      try {
        url = new URL(props.publicBaseUrl);
      } catch {
        url = undefined;
      }
      if (url?.protocol !== 'https:') {
        throw new Error(`ApiConstruct: publicBaseUrl must be an absolute https URL, got "${props.publicBaseUrl}"`);
      }
    }
    const rateLimit = props.throttleRateLimit ?? 50;
    const burstLimit = props.throttleBurstLimit ?? 100;
    if (!(rateLimit > 0) || !Number.isInteger(burstLimit) || burstLimit < 1) {
      throw new Error(`ApiConstruct: throttle limits must be positive, got rate ${rateLimit}, burst ${burstLimit}`);
    }

    this.adminTokenSecret = new secretsmanager.Secret(this, 'AdminToken', {
      description: 'Communiqué: bearer token of the admin API',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    this.tokenKeysSecret = new secretsmanager.Secret(this, 'TokenKeys', {
      description: 'Communiqué: HMAC key ring for unsubscribe, preference and confirmation links',
      generateSecretString: {
        secretStringTemplate: JSON.stringify({ currentKeyId: 'k1' }),
        generateStringKey: 'k1',
        excludePunctuation: true,
        passwordLength: 64,
      },
      // Losing the key ring would break every link in every mail already sent.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    acknowledgeRule(
      this.adminTokenSecret,
      'SMG4',
      'Rotated by hand (docs/deploy.md#rotating-secrets): the CLI and scripts that hold the token must be updated at the same moment, which a Lambda rotation cannot do.',
    );
    acknowledgeRule(
      this.tokenKeysSecret,
      'SMG4',
      'A key ring, rotated by adding a key and switching currentKeyId (docs/deploy.md#rotating-secrets): replacing the value, as automatic rotation does, would break every link in every mail already sent.',
    );

    // No cycle: the function depends on the Api resource only, while the route, integration
    // and invoke permission depend on the function.
    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      description: 'Communiqué: admin API, admin pages and public pages',
      createDefaultStage: false,
    });
    const accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: logs.RetentionDays.ONE_MONTH,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit, burstLimit },
      accessLogSettings: { destination: new apigwv2.LogGroupLogDestination(accessLogs) },
    });
    this.apiUrl = this.httpApi.apiEndpoint;
    this.publicBaseUrl = props.publicBaseUrl ?? this.apiUrl;

    this.apiFunction = new CommuniqueFunction(this, 'ApiFunction', {
      entry: 'functions/handlers/api.ts',
      // MJML and text layouts, read from disk by functions/render at run time.
      bundledDirs: ['templates'],
      description: 'Communiqué HTTP API (Hono)',
      // API Gateway gives up after 30 seconds.
      timeout: Duration.seconds(29),
      // MJML compilation happens here and is CPU-bound; Lambda CPU grows with memory.
      memorySize: 1024,
      tracing: props.tracing,
      // The import wizard signs the browser's upload with @aws-sdk/s3-presigned-post, which the
      // nodejs24.x runtime does not ship: left external, the function would fail to load.
      externalModules: RUNTIME_AWS_SDK_MODULES,
      environment: {
        TABLE_NAME: props.table.tableName,
        SEND_QUEUE_URL: props.sendQueue.queueUrl,
        PUBLIC_BASE_URL: this.publicBaseUrl,
        ADMIN_TOKEN_SECRET_ARN: this.adminTokenSecret.secretArn,
        TOKEN_KEYS_SECRET_ARN: this.tokenKeysSecret.secretArn,
        SES_CONFIGURATION_SET: props.configurationSet.configurationSetName,
      },
    });
    const route = new apigwv2.HttpRoute(this, 'DefaultRoute', {
      httpApi: this.httpApi,
      routeKey: apigwv2.HttpRouteKey.DEFAULT,
      integration: new HttpLambdaIntegration('ApiIntegration', this.apiFunction),
    });
    acknowledgeRule(
      route,
      'APIG4',
      'Public pages (newsroom, sign-up, unsubscribe) must be open; the app itself authorises the rest (bearer tokens for /api, sessions with CSRF for the workspace), and only CloudFront may call the API (origin-verify header).',
    );

    grantStoreAccess(props.table, this.apiFunction);
    // SqsSendQueue sends SendMessageBatch, authorised as sqs:SendMessage; nothing reads the queue.
    props.sendQueue.grant(this.apiFunction, 'sqs:SendMessage');
    // readSecret (functions/worker-wiring.ts) only calls GetSecretValue.
    grantGetSecretValue(this.adminTokenSecret, this.apiFunction);
    grantGetSecretValue(this.tokenKeysSecret, this.apiFunction);
  }
}

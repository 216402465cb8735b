import { Duration, Fn } from 'aws-cdk-lib';
import type * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as origins from 'aws-cdk-lib/aws-cloudfront-origins';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ORIGIN_VERIFY_HEADER, VIEWER_ADDRESS_HEADER } from '../../functions/http/origin-guard';
import { grantGetSecretValue } from './grants';
import { acknowledgeRule } from './nag-acknowledgements';

export interface EdgeConstructProps {
  readonly httpApi: apigwv2.IHttpApi;
  /** ARN of a CLOUDFRONT-scoped WAF web ACL (infra/edge-security-stack.ts, or `-c webAclArn=`). */
  readonly webAclArn: string;
}

/** Paths CloudFront caches: public newsroom pages and their RSS feeds, the app's static assets, media files (immutable). */
export const CACHED_PATHS = { newsroom: '/newsroom*', assets: '/assets/*', media: '/media/*' } as const;

/** Sets the viewer address header from the connection, over anything the client sent (cloudfront-js-2.0). */
const VIEWER_ADDRESS_FUNCTION = `function handler(event) {
  event.request.headers['${VIEWER_ADDRESS_HEADER}'] = { value: event.viewer.ip };
  return event.request;
}`;

/**
 * CloudFront in front of the HTTP API (HTTP APIs cannot take AWS WAF themselves): the web ACL,
 * a secret origin header the api checks (functions/http/origin-guard.ts) so the API endpoint
 * cannot be used around WAF, the viewer's address in a header the client cannot forge, caching of
 * the newsroom, feeds and assets, and security headers.
 */
export class EdgeConstruct extends Construct {
  public readonly distribution: cloudfront.Distribution;
  /** The value CloudFront sends in `x-origin-verify`. Rotate: docs/deploy.md#rotating-secrets. */
  public readonly originVerifySecret: secretsmanager.Secret;
  public readonly responseHeadersPolicy: cloudfront.ResponseHeadersPolicy;
  /** `https://<id>.cloudfront.net` */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: EdgeConstructProps) {
    super(scope, id);
    this.originVerifySecret = new secretsmanager.Secret(this, 'OriginVerify', {
      description: 'Communiqué: value CloudFront sends to the API in x-origin-verify (requests without it are refused)',
      generateSecretString: { excludePunctuation: true, passwordLength: 48 },
    });
    acknowledgeRule(
      this.originVerifySecret,
      'SMG4',
      'CloudFront reads the value when the stack deploys (dynamic reference): a rotation is a put-secret-value followed by a deploy, done by hand (docs/deploy.md#rotating-secrets).',
    );

    // `https://{id}.execute-api.{region}.amazonaws.com` -> the host name.
    const apiHost = Fn.select(2, Fn.split('/', props.httpApi.apiEndpoint));
    const origin = new origins.HttpOrigin(apiHost, {
      protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
      originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      // Resolved by CloudFormation at deploy time ({{resolve:secretsmanager:…}}): the value is
      // never in the template, only in the distribution's configuration.
      customHeaders: { [ORIGIN_VERIFY_HEADER]: this.originVerifySecret.secretValue.unsafeUnwrap() },
    });

    this.responseHeadersPolicy = new cloudfront.ResponseHeadersPolicy(this, 'SecurityHeaders', {
      comment: 'Communiqué: HSTS, frame-ancestors, Referrer-Policy, nosniff',
      securityHeadersBehavior: {
        strictTransportSecurity: { accessControlMaxAge: Duration.days(730), includeSubdomains: true, override: true },
        // The workspace sends its own CSP with per-response nonces: kept (override false). Pages
        // without one get at least this: never framed by another site, no plugins, no <base>.
        contentSecurityPolicy: {
          contentSecurityPolicy: "frame-ancestors 'none'; object-src 'none'; base-uri 'self'",
          override: false,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
        referrerPolicy: { referrerPolicy: cloudfront.HeadersReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN, override: false },
        contentTypeOptions: { override: true },
      },
    });

    const viewerAddress = new cloudfront.Function(this, 'ViewerAddress', {
      comment: 'Communiqué: the viewer address, as CloudFront saw the connection, for the rate limits of the app',
      code: cloudfront.FunctionCode.fromInline(VIEWER_ADDRESS_FUNCTION),
      runtime: cloudfront.FunctionRuntime.JS_2_0,
    });

    const cached = (name: string, defaultTtl: Duration) =>
      new cloudfront.CachePolicy(this, name, {
        comment: `Communiqué: ${name}`,
        // The origin sends no Cache-Control on these yet: the default TTL applies; one it sends wins.
        defaultTtl,
        minTtl: Duration.seconds(0),
        maxTtl: Duration.days(1),
        // Paging cursors and feed parameters are in the query string; no cookies, no headers:
        // these pages are the same for everyone.
        queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
        cookieBehavior: cloudfront.CacheCookieBehavior.none(),
        headerBehavior: cloudfront.CacheHeaderBehavior.none(),
        enableAcceptEncodingGzip: true,
        enableAcceptEncodingBrotli: true,
      });
    const cachedBehavior = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD,
      cachePolicy,
      responseHeadersPolicy: this.responseHeadersPolicy,
      compress: true,
    });

    const assetsCache = cached('AssetsCache', Duration.days(1));
    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: 'Communiqué: public pages, workspace and API',
      webAclId: props.webAclArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      defaultBehavior: {
        origin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
        // Sessions, CSRF tokens, forms: nothing else is cached.
        cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
        // Every viewer header but Host (API Gateway routes by its own host name).
        originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
        responseHeadersPolicy: this.responseHeadersPolicy,
        functionAssociations: [{ function: viewerAddress, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
        compress: true,
      },
      additionalBehaviors: {
        [CACHED_PATHS.newsroom]: cachedBehavior(cached('NewsroomCache', Duration.minutes(5))),
        [CACHED_PATHS.assets]: cachedBehavior(assetsCache),
        // Media ids are never reused: the app sends `immutable`; the policy caps it at a day.
        [CACHED_PATHS.media]: cachedBehavior(assetsCache),
      },
    });
    acknowledgeRule(
      this.distribution,
      'CFR1',
      'Press releases are public and meant for readers anywhere (French press abroad, partners across borders): no country is refused.',
    );
    acknowledgeRule(
      this.distribution,
      'CFR3',
      'Standard logs hold every reader’s IP address (personal data kept in a bucket); WAF metrics and sampled requests, the API access log and the alarms cover abuse and errors.',
    );
    acknowledgeRule(
      this.distribution,
      'CFR4',
      'Served on the *.cloudfront.net certificate, whose security policy CloudFront fixes; a custom domain with an ACM certificate and TLSv1.2_2021 is the documented next step (docs/deploy.md).',
    );
    this.url = `https://${this.distribution.distributionDomainName}`;
  }

  /** The api function checks the origin header: it reads the secret's ARN from ORIGIN_VERIFY_SECRET_ARN. */
  public guardOrigin(fn: lambda.Function): void {
    fn.addEnvironment('ORIGIN_VERIFY_SECRET_ARN', this.originVerifySecret.secretArn);
    grantGetSecretValue(this.originVerifySecret, fn);
  }
}

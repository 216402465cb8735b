import * as wafv2 from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';

export interface WebAclConstructProps {
  /** Requests per IP per 5 minutes on the public sign-up (`/subscribe`). Default 100. */
  readonly subscribeLimit?: number;
  /** Requests per IP per 5 minutes on sign-in (`/connexion`). Default 100: a press office behind one NAT shares an address. */
  readonly signInLimit?: number;
  /** Requests per IP per 5 minutes anywhere. Default 3000. */
  readonly globalLimit?: number;
}

/** The paths the rate-based rules guard (functions/http/public-routes.ts, pages/auth/auth-routes.tsx). */
export const RATE_LIMITED_PATHS = { subscribe: '/subscribe', signIn: '/connexion' } as const;

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  sampledRequestsEnabled: true,
  metricName,
});

const managed = (priority: number, name: string, extra: Partial<wafv2.CfnWebACL.ManagedRuleGroupStatementProperty> = {}) => ({
  name,
  priority,
  overrideAction: { none: {} },
  statement: { managedRuleGroupStatement: { vendorName: 'AWS', name, ...extra } },
  visibilityConfig: visibility(name),
});

const rateLimited = (priority: number, name: string, limit: number, path?: string): wafv2.CfnWebACL.RuleProperty => ({
  name,
  priority,
  action: { block: { customResponse: { responseCode: 429 } } },
  statement: {
    rateBasedStatement: {
      limit,
      evaluationWindowSec: 300,
      aggregateKeyType: 'IP',
      scopeDownStatement: path
        ? {
            byteMatchStatement: {
              fieldToMatch: { uriPath: {} },
              positionalConstraint: 'STARTS_WITH',
              searchString: path,
              textTransformations: [{ priority: 0, type: 'LOWERCASE' }],
            },
          }
        : undefined,
    },
  },
  visibilityConfig: visibility(name),
});

/**
 * The WAF web ACL in front of CloudFront (scope CLOUDFRONT: it must live in us-east-1, see
 * infra/edge-security-stack.ts): AWS IP reputation, common and known-bad-inputs rule groups, and
 * rate-based rules on the public sign-up, sign-in, and everything.
 */
export class WebAclConstruct extends Construct {
  public readonly webAcl: wafv2.CfnWebACL;

  constructor(scope: Construct, id: string, props: WebAclConstructProps = {}) {
    super(scope, id);
    const limits = { subscribe: props.subscribeLimit ?? 100, signIn: props.signInLimit ?? 100, global: props.globalLimit ?? 3000 };
    for (const [name, limit] of Object.entries(limits)) {
      // WAF's bounds for a 5-minute rate-based rule.
      if (!Number.isInteger(limit) || limit < 10 || limit > 2_000_000_000) {
        throw new Error(`WebAclConstruct: ${name} limit must be an integer between 10 and 2000000000, got ${limit}`);
      }
    }
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      description: 'Communique - managed rules and rate limits in front of the public pages and the workspace',
      visibilityConfig: visibility('communique'),
      rules: [
        managed(0, 'AWSManagedRulesAmazonIpReputationList'),
        managed(1, 'AWSManagedRulesCommonRuleSet', {
          // A press release, its blocks and a CSV import are legitimately larger than the rule
          // group's 8 KB body limit; the app caps bodies itself (413). Counted, not blocked.
          ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }],
        }),
        managed(2, 'AWSManagedRulesKnownBadInputsRuleSet'),
        rateLimited(3, 'SubscribeRateLimit', limits.subscribe, RATE_LIMITED_PATHS.subscribe),
        rateLimited(4, 'SignInRateLimit', limits.signIn, RATE_LIMITED_PATHS.signIn),
        rateLimited(5, 'GlobalRateLimit', limits.global),
      ],
    });
  }

  public get webAclArn(): string {
    return this.webAcl.attrArn;
  }
}

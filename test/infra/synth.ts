import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, type CfnElement, type Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { PublisherStack, type PublisherStackProps } from '../../infra/publisher-stack';

/** The context `cdk synth` runs with (feature flags included), so tests see the same template. */
const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> })
  .context;

export interface SynthOptions {
  /** Run esbuild for real (seconds). Without it CDK puts a placeholder asset in the template. */
  readonly bundle: boolean;
  readonly props?: Partial<PublisherStackProps>;
}

/** A CLOUDFRONT web ACL ARN as `-c webAclArn=` would give it (the edge stack is tested on its own). */
export const TEST_WEB_ACL_ARN = 'arn:aws:wafv2:us-east-1:123456789012:global/webacl/communique-test/00000000-0000-0000-0000-000000000000';

export interface Synthesised {
  readonly stack: PublisherStack;
  readonly template: Template;
  readonly outdir: string;
  logicalId(construct: IConstruct): string;
  cleanup(): void;
}

export function synthPublisher(options: SynthOptions): Synthesised {
  const outdir = mkdtempSync(join(tmpdir(), 'communique-cdk-'));
  const app = new App({
    outdir,
    context: {
      ...cdkContext,
      // As under the CLI: each function records its asset folder (`aws:asset:path`) in the template.
      'aws:cdk:enable-asset-metadata': true,
      ...(options.bundle ? {} : { 'aws:cdk:bundling-stacks': [] }),
    },
  });
  const stack = new PublisherStack(app, 'Communique-test', {
    env: { region: 'eu-west-3' },
    stage: 'test',
    webAclArn: TEST_WEB_ACL_ARN,
    ...options.props,
  });
  const template = Template.fromStack(stack);
  return {
    stack,
    template,
    outdir,
    logicalId: (construct) => logicalIdOf(stack, construct),
    cleanup: () => rmSync(outdir, { recursive: true, force: true }),
  };
}

export function logicalIdOf(stack: Stack, construct: IConstruct): string {
  const cfn = (construct.node.defaultChild ?? construct) as CfnElement;
  return stack.getLogicalId(cfn);
}

export interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Sid?: string;
}

/** Every statement of the IAM policies attached to a role (the function's inline default policy). */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  const policies = template.findResources('AWS::IAM::Policy') as Record<
    string,
    { Properties: { Roles: { Ref?: string }[]; PolicyDocument: { Statement: Statement[] } } }
  >;
  return Object.values(policies)
    .filter((p) => p.Properties.Roles.some((r) => r.Ref === roleLogicalId))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

export const actionsOf = (s: Statement): string[] => [s.Action].flat();
export const resourcesOf = (s: Statement): unknown[] => [s.Resource].flat();

export interface FunctionResource {
  readonly Properties: {
    readonly Role: { 'Fn::GetAtt': [string, string] };
    readonly Environment: { readonly Variables: Record<string, unknown> };
    readonly [key: string]: unknown;
  };
  readonly Metadata?: Record<string, unknown>;
}

export function functionResource(template: Template, logicalId: string): FunctionResource {
  const fn = (template.findResources('AWS::Lambda::Function') as Record<string, FunctionResource>)[logicalId];
  if (!fn) throw new Error(`no AWS::Lambda::Function ${logicalId} in the template`);
  return fn;
}

import type { App, Environment } from 'aws-cdk-lib';
import { EdgeSecurityStack } from './edge-security-stack';
import { PublisherStack, type PublisherStackProps } from './publisher-stack';

export interface CommuniqueAppProps extends Omit<PublisherStackProps, 'webAclArn' | 'env' | 'crossRegionReferences'> {
  readonly env: Environment & { readonly region: string };
  /** An existing CLOUDFRONT web ACL; when absent, EdgeSecurityStack creates one in us-east-1. */
  readonly webAclArn?: string;
}

export interface CommuniqueStacks {
  readonly publisher: PublisherStack;
  /** Absent when `webAclArn` was given. */
  readonly edgeSecurity?: EdgeSecurityStack;
}

/** The stacks of one stage, as `cdk synth` builds them (infra/app.ts) and the infra tests do. */
export function addCommuniqueStacks(app: App, props: CommuniqueAppProps): CommuniqueStacks {
  const { webAclArn, ...publisherProps } = props;
  const name = `Communique-${props.stage}`;
  const edgeSecurity = webAclArn
    ? undefined
    : new EdgeSecurityStack(app, `${name}-edge`, {
        env: { account: props.env.account, region: 'us-east-1' },
        description: `Communiqué WAF web ACL for CloudFront (${props.stage})`,
        stage: props.stage,
      });
  const publisher = new PublisherStack(app, name, {
    ...publisherProps,
    // The web ACL's ARN crosses from us-east-1 (an SSM parameter read by a custom resource).
    crossRegionReferences: edgeSecurity !== undefined,
    webAclArn: webAclArn ?? (edgeSecurity as EdgeSecurityStack).webAcl.webAclArn,
  });
  return { publisher, edgeSecurity };
}

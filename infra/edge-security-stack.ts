import { Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { WebAclConstruct, type WebAclConstructProps } from './constructs/web-acl';

export interface EdgeSecurityStackProps extends StackProps {
  readonly stage: string;
  readonly webAcl?: WebAclConstructProps;
}

/**
 * The WAF web ACL of the CloudFront distribution. A CLOUDFRONT-scoped web ACL can only be created
 * in us-east-1, whatever region the application runs in, so it has a stack of its own there;
 * PublisherStack reads its ARN through a CDK cross-region reference (`crossRegionReferences` on
 * both stacks: an SSM parameter written here, read by a custom resource there). `cdk deploy
 * --all` deploys this one first. An organisation that manages its own web ACL passes
 * `-c webAclArn=…` instead and this stack is not created (infra/app.ts).
 */
export class EdgeSecurityStack extends Stack {
  public readonly webAcl: WebAclConstruct;

  constructor(scope: Construct, id: string, props: EdgeSecurityStackProps) {
    if (props.env?.region !== undefined && props.env.region !== 'us-east-1') {
      throw new Error(`EdgeSecurityStack: a CloudFront web ACL must be created in us-east-1, got "${props.env.region}"`);
    }
    super(scope, id, { ...props, env: { ...props.env, region: 'us-east-1' }, crossRegionReferences: true });
    Tags.of(this).add('project', 'communique');
    Tags.of(this).add('stage', props.stage);
    this.webAcl = new WebAclConstruct(this, 'WebAcl', props.webAcl);
  }
}

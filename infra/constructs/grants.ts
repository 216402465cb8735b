import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

/**
 * GetSecretValue on one secret, the only Secrets Manager call the code makes
 * (functions/worker-wiring.ts readSecret). `ISecret.grantRead` would add DescribeSecret too.
 */
export function grantGetSecretValue(secret: secretsmanager.ISecret, grantee: iam.IGrantable): iam.Grant {
  return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [secret.secretArn] });
}

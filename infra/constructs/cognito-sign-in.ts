import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import type { Role } from '../../functions/domain/actor';
import { acknowledgeRule } from './nag-acknowledgements';

export interface CognitoSignInProps {
  /** The workspace's public address (the CloudFront one, or the custom domain): the callback is `<it>/connexion/oidc/retour`. */
  readonly publicBaseUrl: string;
  /** Prefix of the hosted sign-in domain, `<prefix>.auth.<region>.amazoncognito.com` (unique in the region). */
  readonly domainPrefix: string;
  /** Cognito group → role; each group is created. Default: redaction, communication-direction, presse, admins. */
  readonly roleGroups?: Readonly<Record<string, Role>>;
  /** The button's text: « Se connecter avec <it> ». */
  readonly providerName?: string;
}

export const defaultRoleGroups: Readonly<Record<string, Role>> = {
  redaction: 'editor',
  'communication-direction': 'reviewer',
  presse: 'publisher',
  admins: 'admin',
};

/**
 * A Cognito user pool for the workspace's OIDC sign-in, when the département has no identity
 * provider of its own: accounts created by an administrator only, MFA (TOTP) required, one
 * group per role. `oidcEnvironment()` gives the api function the OIDC_* variables that
 * functions/config.ts loadOidcConfig reads (the role claim is `cognito:groups`).
 */
export class CognitoSignIn extends Construct {
  public readonly userPool: cognito.UserPool;
  public readonly client: cognito.UserPoolClient;
  public readonly roleGroups: Readonly<Record<string, Role>>;
  private readonly providerName: string;

  constructor(scope: Construct, id: string, props: CognitoSignInProps) {
    super(scope, id);
    this.roleGroups = props.roleGroups ?? defaultRoleGroups;
    this.providerName = props.providerName ?? 'le compte Communiqué (Cognito)';
    this.userPool = new cognito.UserPool(this, 'UserPool', {
      // The press office decides who gets in: no self sign-up.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: {
        minLength: 12,
        requireDigits: true,
        requireLowercase: true,
        requireUppercase: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: true,
      // The people and their MFA devices outlive a stack deletion.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const rule of ['COG3', 'COG8'])
      acknowledgeRule(
        this.userPool,
        rule,
        'Threat protection (Plus feature plan) is billed per active user; MFA is required for everyone and accounts are created by an administrator only. Turn it on with featurePlan PLUS if the département asks for it.',
      );
    for (const [groupName, role] of Object.entries(this.roleGroups)) {
      new cognito.UserPoolGroup(this, `Group-${groupName}`, {
        userPool: this.userPool,
        groupName,
        description: `Communiqué : rôle ${role}`,
      });
    }
    this.userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.client = this.userPool.addClient('Workspace', {
      generateSecret: true,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE],
        callbackUrls: [`${props.publicBaseUrl.replace(/\/$/, '')}/connexion/oidc/retour`],
      },
      preventUserExistenceErrors: true,
      idTokenValidity: Duration.minutes(15),
      accessTokenValidity: Duration.minutes(15),
    });
  }

  /** The issuer the library discovers: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  public get issuer(): string {
    return `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }

  /**
   * The OIDC_* variables for the api function. The client secret is read at deploy time from
   * Cognito and lands in the function's configuration (not in the template).
   */
  public oidcEnvironment(): Record<string, string> {
    const secret = this.client.userPoolClientSecret.unsafeUnwrap();
    // Reading the secret adds CDK's singleton custom-resource function (DescribeUserPoolClient) to the stack.
    const reader = Stack.of(this).node.tryFindChild('AWS679f53fac002430cb0da5b7982bd2287');
    if (reader)
      Validations.of(reader).acknowledge({
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        reason:
          'CDK’s own custom-resource function that reads the client secret at deploy time: the managed basic execution role only lets it write its logs.',
      });
    return {
      OIDC_ISSUER: this.issuer,
      OIDC_CLIENT_ID: this.client.userPoolClientId,
      OIDC_CLIENT_SECRET: secret,
      OIDC_PROVIDER_NAME: this.providerName,
      OIDC_ROLE_CLAIM: 'cognito:groups',
      OIDC_ROLE_MAP: JSON.stringify(this.roleGroups),
    };
  }

  /** Sets the OIDC_* variables on the api function: the sign-in page then offers Cognito. */
  public configure(fn: lambda.Function): void {
    for (const [name, value] of Object.entries(this.oidcEnvironment())) fn.addEnvironment(name, value);
  }
}

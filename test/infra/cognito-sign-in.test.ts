import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { loadOidcConfig } from '../../functions/config';
import { CognitoSignIn, defaultRoleGroups } from '../../infra/constructs/cognito-sign-in';

const cdkContext = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> })
  .context;

/** The construct on its own stack, configuring a stand-in for the api function. */
function build(nag = false) {
  const app = new App({ context: { ...cdkContext, 'aws:cdk:bundling-stacks': [] } });
  const stack = new Stack(app, 'CognitoTest', { env: { region: 'eu-west-3' } });
  const fn = new lambda.Function(stack, 'Api', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({})'),
  });
  const signIn = new CognitoSignIn(stack, 'SignIn', {
    publicBaseUrl: 'https://presse.example.fr',
    domainPrefix: 'communique-test',
    providerName: 'Communiqué (Cognito)',
  });
  signIn.configure(fn);
  if (nag) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack, fn, signIn };
}

describe('Cognito user pool for OIDC sign-in', () => {
  const { stack } = build();
  const template = Template.fromStack(stack);

  it('requires MFA (TOTP, no SMS), has no self sign-up and keeps its people on deletion', () => {
    template.hasResource('AWS::Cognito::UserPool', {
      Properties: Match.objectLike({
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        DeletionProtection: 'ACTIVE',
        Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      }),
      DeletionPolicy: 'Retain',
    });
  });

  it('creates one group per role of the mapping', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (r) => (r as { Properties: { GroupName: string } }).Properties.GroupName,
    );
    expect(groups.sort()).toEqual(Object.keys(defaultRoleGroups).sort());
  });

  it('registers a confidential client for the code flow, calling back to /connexion/oidc/retour', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: true,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid', 'email', 'profile']),
      CallbackURLs: ['https://presse.example.fr/connexion/oidc/retour'],
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'communique-test' });
  });

  it('gives the api function the OIDC_* variables the app reads, with cognito:groups as the role claim', () => {
    const fns = Object.values(template.findResources('AWS::Lambda::Function')) as {
      Properties: { Environment?: { Variables: Record<string, unknown> } };
    }[];
    const vars = fns.find((f) => f.Properties.Environment?.Variables.OIDC_ROLE_CLAIM)?.Properties.Environment?.Variables ?? {};
    expect(Object.keys(vars).sort()).toEqual(
      ['OIDC_CLIENT_ID', 'OIDC_CLIENT_SECRET', 'OIDC_ISSUER', 'OIDC_PROVIDER_NAME', 'OIDC_ROLE_CLAIM', 'OIDC_ROLE_MAP'].sort(),
    );
    expect(vars.OIDC_ROLE_CLAIM).toBe('cognito:groups');
    expect(JSON.stringify(vars.OIDC_ISSUER)).toContain('https://cognito-idp.eu-west-3.amazonaws.com/');
    // What the stack writes, the app accepts.
    const resolved = Object.fromEntries(
      Object.entries(vars).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : k === 'OIDC_ISSUER' ? 'https://cognito-idp.eu-west-3.amazonaws.com/eu-west-3_x' : 'token',
      ]),
    );
    expect(loadOidcConfig(resolved)?.roleMap).toEqual(defaultRoleGroups);
  });

  it('passes the AwsSolutions checks, each acknowledgement with its reason', () => {
    const { app } = build(true);
    let findings: string[] = [];
    try {
      app.synth();
    } catch (e: unknown) {
      const message = e instanceof Error ? e.message : String(e);
      findings = [...message.matchAll(/^\s+(\S+) \S+\n\s+Acknowledge with '([^']+)'/gm)].map((m) => `${m[1]} ${m[2]}`);
      if (findings.length === 0) throw e;
    }
    // The stand-in function is not the construct's: only findings on the construct count.
    expect(findings.filter((f) => !f.startsWith('/CognitoTest/Api/') && !f.startsWith('CognitoTest/Api/'))).toEqual([]);
  });
});

import type { APIGatewayProxyEventV2, APIGatewayProxyResult, Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { signupLimits } from '../../functions/app/subscribe';
import { buildStoreAndMailer } from '../../functions/worker-wiring';
import { freshTable, localConfigFor } from '../support/emulator-context';
import { testBrand } from '../support/fakes';
import { ADDRESS_PEPPER, ADMIN_TOKEN, awsHandlerEnv, lambdaContext } from '../support/lambda-handler-env';

/**
 * The api Lambda (functions/handlers/api.ts) as API Gateway's HTTP API invokes it: payload
 * format 2.0 events, against DynamoDB Local and the SES emulator, the secrets from a mocked
 * Secrets Manager (no emulator for it here).
 */
type ApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResult>;

let handler: ApiHandler;
let store: ReturnType<typeof buildStoreAndMailer>['store'];

beforeAll(async () => {
  const { tableName } = await freshTable('handler-api');
  ({ store } = buildStoreAndMailer(localConfigFor(tableName), ADDRESS_PEPPER));
  await store.putBrand(testBrand);
  awsHandlerEnv(tableName);
  ({ handler } = (await import('../../functions/handlers/api')) as unknown as { handler: ApiHandler });
});

let seq = 0;
/** An HTTP API (payload 2.0) event as API Gateway sends it for the $default route. */
function httpEvent(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; base64?: boolean; sourceIp?: string; query?: string } = {},
): APIGatewayProxyEventV2 {
  const now = Date.now();
  const sourceIp = options.sourceIp ?? '198.51.100.20';
  const headers: Record<string, string> = {
    accept: 'text/html,application/json',
    'content-length': String(options.body?.length ?? 0),
    host: 'a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com',
    'user-agent': 'Mozilla/5.0 (handler test)',
    'x-amzn-trace-id': `Root=1-${now.toString(16)}-${String(++seq).padStart(24, '0')}`,
    // API Gateway appends the connection's address to what the client sent.
    'x-forwarded-for': sourceIp,
    'x-forwarded-port': '443',
    'x-forwarded-proto': 'https',
    ...options.headers,
  };
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    ...(options.query ? { queryStringParameters: Object.fromEntries(new URLSearchParams(options.query)) } : {}),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'a1b2c3d4e5',
      domainName: 'a1b2c3d4e5.execute-api.eu-west-3.amazonaws.com',
      domainPrefix: 'a1b2c3d4e5',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp, userAgent: headers['user-agent'] ?? '' },
      requestId: `Ab${seq}CdEfGhIjKl=`,
      routeKey: '$default',
      stage: '$default',
      time: new Date(now).toUTCString(),
      timeEpoch: now,
    },
    ...(options.body === undefined ? {} : { body: options.base64 ? Buffer.from(options.body).toString('base64') : options.body }),
    isBase64Encoded: options.base64 === true,
  };
}

const bodyOf = (r: APIGatewayProxyResult) => (r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body);
const call = (event: APIGatewayProxyEventV2) => handler(event, lambdaContext(29_000, 'communique-api'));

describe('api handler with API Gateway HTTP API (v2) events, on DynamoDB Local and the SES emulator', () => {
  it('GET /healthz answers 200 with the table and the mailer reachable', async () => {
    const r = await call(httpEvent('GET', '/healthz'));
    expect(r.statusCode).toBe(200);
    expect(JSON.parse(bodyOf(r))).toEqual({ status: 'ok', database: true, mailer: true });
  });

  it('POST /api/lists with the bearer token writes the list to the table; without it, 401 in French', async () => {
    const body = JSON.stringify({ name: 'Presse régionale', kind: 'press', optIn: 'double', publicSignup: true });
    const json = { 'content-type': 'application/json' };
    // API Gateway base64-encodes bodies it does not take for text; the adapter must decode them.
    const r = await call(
      httpEvent('POST', '/api/lists', { headers: { ...json, authorization: `Bearer ${ADMIN_TOKEN}` }, body, base64: true }),
    );
    expect(r.statusCode).toBe(201);
    const created = JSON.parse(bodyOf(r)) as { id: string; name: string };
    expect(created.name).toBe('Presse régionale');
    expect((await store.getList(created.id))?.name).toBe('Presse régionale');

    const refused = await call(httpEvent('POST', '/api/lists', { headers: { ...json, authorization: 'Bearer wrong' }, body }));
    expect(refused.statusCode).toBe(401);
    expect(JSON.parse(bodyOf(refused)).message).toContain('Jeton d’administration absent ou invalide');
  });

  it('the workspace sign-in page renders in French with its security headers', async () => {
    const r = await call(httpEvent('GET', '/connexion'));
    expect(r.statusCode).toBe(200);
    expect(bodyOf(r)).toContain('<html lang="fr"');
    expect(bodyOf(r)).toContain('Connexion');
    const headers = Object.fromEntries(Object.entries(r.headers ?? {}).map(([k, v]) => [k.toLowerCase(), String(v)]));
    expect(headers['content-type']).toContain('text/html');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('the public sign-up counts posts per API Gateway sourceIp: a new X-Forwarded-For each time does not dodge the limit', async () => {
    const created = await call(
      httpEvent('POST', '/api/lists', {
        headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN_TOKEN}` },
        body: JSON.stringify({ name: 'Lettre aux partenaires', kind: 'partners', optIn: 'double', publicSignup: true }),
      }),
    );
    const list = JSON.parse(bodyOf(created)) as { id: string };
    const post = (i: number, sourceIp: string) =>
      call(
        httpEvent('POST', '/subscribe', {
          sourceIp,
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            // What the client wrote, then what API Gateway appended.
            'x-forwarded-for': `203.0.113.${i}, ${sourceIp}`,
          },
          body: new URLSearchParams({ email: `r${i}@handler-signup.example.org`, listIds: list.id }).toString(),
        }),
      );
    const statuses: number[] = [];
    for (let i = 0; i <= signupLimits.perIp; i++) statuses.push((await post(i, '198.51.100.77')).statusCode);
    expect(statuses.slice(0, -1).every((s) => s === 200)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect((await post(100, '198.51.100.78')).statusCode).toBe(200);
  });
});

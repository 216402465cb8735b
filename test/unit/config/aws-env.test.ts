import { describe, expect, it } from 'vitest';
import { ConfigError, loadAwsConfig, loadLocalConfig } from '../../../functions/config';

const complete = {
  AWS_REGION: 'eu-west-3',
  TABLE_NAME: 'communique',
  SEND_QUEUE_URL: 'https://sqs.eu-west-3.amazonaws.com/123/send',
  PUBLIC_BASE_URL: 'https://presse.example.fr/',
  TOKEN_KEYS_SECRET_ARN: 'arn:aws:secretsmanager:eu-west-3:123:secret:keys',
};

describe('loadAwsConfig (hand-checked, zod-free: it is in the workers’ bundles)', () => {
  it('reads a complete env, with defaults and numbers', () => {
    const config = loadAwsConfig({ ...complete, SES_MAX_SEND_RATE: '14', UNCOVERED_AFTER_SECONDS: '90' });

    expect(config).toMatchObject({
      region: 'eu-west-3',
      publicBaseUrl: 'https://presse.example.fr',
      sendConcurrency: 2,
      sesMaxSendRate: 14,
      uncoveredAfterMs: 90_000,
      lateCutoffMs: 15 * 60_000,
    });
  });

  it('lists every missing or invalid variable at once, by name', () => {
    const env = { ...complete, TABLE_NAME: '', SEND_QUEUE_URL: 'pas une url', SEND_CONCURRENCY: '1.5', SES_MAX_SEND_RATE: '-3' };

    const error = (() => {
      try {
        loadAwsConfig(env);
      } catch (e: unknown) {
        return e;
      }
    })();

    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(4);
    expect(problems.join('\n')).toMatch(/TABLE_NAME: Required/);
    expect(problems.join('\n')).toMatch(/SEND_QUEUE_URL: Invalid URL/);
    expect(problems.join('\n')).toMatch(/SEND_CONCURRENCY/);
    expect(problems.join('\n')).toMatch(/SES_MAX_SEND_RATE/);
  });

  it('local ports: refuses what is not a port', () => {
    expect(() => loadLocalConfig({ PORT: '70000' })).toThrow(/PORT: port attendu/);
    expect(() => loadLocalConfig({ DYNAMODB_PORT: '' })).toThrow(/DYNAMODB_PORT/);
    expect(loadLocalConfig({ PORT: '3001' }).port).toBe(3001);
  });
});

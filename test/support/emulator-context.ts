import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { inject } from 'vitest';
import { ensureTable } from '../../functions/adapters/dynamodb/table-definition';
import type { LocalConfig } from '../../functions/config';

/** A fresh table in the shared DynamoDB Local, so test files never see each other's data. */
export async function freshTable(prefix = 'test'): Promise<{ tableName: string; client: DynamoDBClient; endpoint: string }> {
  const endpoint = inject('dynamoEndpoint');
  const client = new DynamoDBClient({ endpoint, region: 'eu-west-3', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tableName = `${prefix}-${randomUUID().slice(0, 8)}`;
  await ensureTable(client, tableName);
  return { tableName, client, endpoint };
}

export function localConfigFor(tableName: string, overrides: Partial<LocalConfig> = {}): LocalConfig {
  return {
    region: 'eu-west-3',
    tableName,
    publicBaseUrl: 'https://communique.example.org',
    dynamoEndpoint: inject('dynamoEndpoint'),
    sesEndpoint: inject('sesEndpoint'),
    port: 0,
    dynamoPort: 0,
    sesPort: 0,
    dataDir: '.data-test',
    externalDynamo: true,
    externalSes: true,
    ...overrides,
  };
}

export interface StoredEmail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  attachments: { filename?: string; contentType: string; content: string }[];
}

/** Mails the SES emulator holds for recipients whose address ends with `domain`. */
export async function outboxFor(domain: string): Promise<StoredEmail[]> {
  const r = await fetch(`${inject('sesEndpoint')}/store`);
  const { emails } = (await r.json()) as { emails: StoredEmail[] };
  return emails.filter((e) => e.destination.to.some((t) => t.endsWith(`@${domain}`)));
}

export const uniqueDomain = () => `t${randomUUID().slice(0, 8)}.example.org`;

import type { Command } from 'commander';
import { ApiClient } from './api-client';

interface DeadLetterLine {
  id: string;
  body: string;
  campaignId?: string;
  recipients?: number;
  receiveCount?: number;
  sentAt?: string;
}

/** One line per dead letter: what it was for, how often it was tried, when it was first queued. */
export function deadLetterLine(l: DeadLetterLine): string {
  const what = l.campaignId
    ? `campagne ${l.campaignId}${l.recipients === undefined ? '' : ` (${l.recipients} destinataire(s))`}`
    : l.body.slice(0, 80);
  const kind = /"type":"(\w+)"/.exec(l.body)?.[1] ?? '?';
  return `${l.id}  ${kind.padEnd(6)}  ${what}${l.receiveCount ? `  reçu ${l.receiveCount} fois` : ''}${l.sentAt ? `  depuis ${l.sentAt}` : ''}`;
}

/**
 * `communique dlq list|redrive`: the messages the queue gave up on (locally the in-process
 * queue's dead letters, in AWS the SQS dead-letter queue), through the API (admin token).
 */
export function registerDlqCommand(program: Command): void {
  const dlq = program
    .command('dlq')
    .description('messages d’envoi partis en échec (file des lettres mortes) : les lister, les remettre en file');
  dlq
    .command('list')
    .description('liste les lettres mortes, sans les retirer')
    .option('-n, --limit <n>', 'nombre maximal', '50')
    .action(async (options: { limit: string }) => {
      const api = ApiClient.fromEnv();
      const { items } = await api.request<{ items: DeadLetterLine[] }>(
        'GET',
        `/api/dead-letters?limit=${encodeURIComponent(options.limit)}`,
      );
      if (items.length === 0) console.log('aucune lettre morte');
      for (const l of items) console.log(deadLetterLine(l));
    });
  dlq
    .command('redrive')
    .description('remet toutes les lettres mortes dans la file d’où elles viennent (sans double envoi : le registre décide)')
    .action(async () => {
      const api = ApiClient.fromEnv();
      const r = await api.request<{ moved?: number; taskHandle?: string }>('POST', '/api/dead-letters/redrive');
      if (r.moved !== undefined) console.log(`${r.moved} message(s) remis en file`);
      if (r.taskHandle) console.log(`déplacement SQS lancé (tâche ${r.taskHandle}) : suivez-le dans la console SQS`);
    });
}

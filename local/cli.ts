import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import type { Campaign } from '../functions/domain/campaign';
import { ApiClient, ApiError } from './api-client';
import { registerDlqCommand } from './cli-dlq';
import { registerDnsCommand } from './cli-dns';
import { registerImportCommand } from './cli-import';
import { registerRenderCommand } from './cli-render';

const program = new Command('communique')
  .description('Communiqué en ligne de commande : démarrer en local, rendre, importer, envoyer, suivre.')
  .showHelpAfterError();

program
  .command('start')
  .description('démarre tout en local (DynamoDB Local, émulateur SES, application, données de démo) — comme npm start')
  .action(async () => {
    await import('./start');
  });

program
  .command('releases')
  .description('liste les communiqués')
  .action(async () => {
    const api = ApiClient.fromEnv();
    const { items } = await api.request<{
      items: { id: string; status: string; content: { title: string; dateline?: { date: string } } }[];
    }>('GET', '/api/releases');
    for (const r of items) console.log(`${r.id}  ${r.status.padEnd(6)}  ${r.content.dateline?.date ?? '          '}  ${r.content.title}`);
  });

program
  .command('lists')
  .description('liste les listes de diffusion')
  .action(async () => {
    const api = ApiClient.fromEnv();
    const { items } = await api.request<{ items: { id: string; name: string; kind: string }[] }>('GET', '/api/lists');
    for (const l of items) console.log(`${l.id}  ${l.kind.padEnd(8)}  ${l.name}`);
  });

const collect = (value: string, previous: string[]) => [...previous, value];

/** Asks on the terminal; with no terminal to ask (a script), refuses and says to pass --yes. */
async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) throw new Error('confirmation impossible sans terminal : relancez avec --yes pour envoyer');
  const { createInterface } = await import('node:readline/promises');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^(o|oui|y|yes)$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/** Tries of `POST /api/campaigns` when no valid answer comes back (same key each time). */
const LAUNCH_ATTEMPTS = 3;

program
  .command('send')
  .description('envoie un communiqué maintenant à une ou plusieurs listes')
  .argument('<release>', 'identifiant du communiqué')
  .requiredOption('-l, --list <id>', 'liste destinataire (répétable)', collect, [])
  .option(
    '-k, --idempotency-key <key>',
    'relancer avec la même clé ne crée pas une seconde campagne (par défaut : une clé neuve, réutilisée pour les nouveaux essais)',
  )
  .option('-w, --watch', 'suit la progression jusqu’à la fin')
  .option('--at <local>', 'programme l’envoi (heure locale AAAA-MM-JJTHH:mm)')
  .option('--tz <zone>', 'fuseau de --at', 'Europe/Paris')
  .option('-y, --yes', 'envoie sans demander de confirmation (scripts)')
  .option('-s, --segment <id>', 'seulement les membres de ce segment (ses critères sont figés au lancement)')
  .action(
    async (
      releaseId: string,
      options: { list: string[]; idempotencyKey?: string; watch?: boolean; at?: string; tz: string; yes?: boolean; segment?: string },
    ) => {
      const api = ApiClient.fromEnv();
      const audience = await api.request<{
        recipients: number;
        suppressed: number;
        notConfirmed: number;
        outsideSegment?: number;
        segment?: { id: string; name: string };
      }>(
        'GET',
        `/api/audience?listIds=${options.list.map(encodeURIComponent).join(',')}${options.segment ? `&segmentId=${encodeURIComponent(options.segment)}` : ''}`,
      );
      console.log(
        `${audience.recipients} destinataire(s)${audience.segment ? ` du segment « ${audience.segment.name} »` : ''}  (écartés : ${audience.segment ? `${audience.outsideSegment ?? 0} hors segment, ` : ''}${audience.suppressed} adresse(s) bloquée(s), ${audience.notConfirmed} non confirmé(s))`,
      );
      if (
        !options.yes &&
        !(await confirm(
          `${options.at ? `Programmer l’envoi (${options.at}, ${options.tz})` : 'Envoyer maintenant'} à ${audience.recipients} destinataire(s) ? [o/N] `,
        ))
      ) {
        console.error('rien n’est envoyé');
        process.exitCode = 1;
        return;
      }
      // Always a key, so that repeating the request after a lost answer never starts a second campaign.
      const idempotencyKey = options.idempotencyKey ?? randomUUID();
      const launch = () =>
        api.request<Campaign>(
          'POST',
          '/api/campaigns',
          {
            releaseId,
            listIds: options.list,
            sendAt: options.at,
            timeZone: options.tz,
            ...(options.segment ? { segmentId: options.segment } : {}),
          },
          { headers: { 'idempotency-key': idempotencyKey } },
        );
      let campaign: Campaign | undefined;
      for (let attempt = 1; !campaign; attempt++) {
        try {
          campaign = await launch();
        } catch (e: unknown) {
          if (!(e instanceof ApiError) || !e.mayRetry) throw e;
          if (attempt >= LAUNCH_ATTEMPTS) {
            throw new Error(
              `${e.message}\nla campagne a peut-être été créée : relancez avec --idempotency-key ${idempotencyKey} (aucune seconde campagne ne sera créée)`,
            );
          }
          console.error(`pas de réponse valable (${e.message}) : nouvel essai avec la même clé d’idempotence`);
          await new Promise((r) => setTimeout(r, 500 * attempt));
        }
      }
      console.log(`campagne ${campaign.id} : ${campaign.status}${campaign.sendAt ? ` (envoi prévu ${campaign.sendAt})` : ''}`);
      if (options.watch) await watch(api, campaign.id);
    },
  );

program
  .command('campaign')
  .description('affiche l’état d’une campagne')
  .argument('<id>')
  .option('-w, --watch', 'suit la progression jusqu’à la fin')
  .action(async (id: string, options: { watch?: boolean }) => {
    const api = ApiClient.fromEnv();
    if (options.watch) await watch(api, id);
    else {
      const c = await api.request<Campaign>('GET', `/api/campaigns/${id}`);
      console.log(progressLine(c));
      const delivery = deliveryLine(c);
      if (delivery) console.log(delivery);
    }
  });

registerRenderCommand(program);
registerImportCommand(program);
registerDlqCommand(program);
registerDnsCommand(program);

type CampaignView = Campaign & { progress?: { ratePerSecond: number; estimatedEnd?: string } };

function progressLine(c: CampaignView): string {
  const total = c.total ?? 0;
  const done = c.counts.sent + c.counts.failed + c.counts.skipped;
  const width = 30;
  const filled = total === 0 ? (c.status === 'finished' ? width : 0) : Math.round((done / total) * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const rate = c.progress ? `  ${c.progress.ratePerSecond}/s` : '';
  const eta = c.progress?.estimatedEnd ? `  fin ≈ ${new Date(c.progress.estimatedEnd).toLocaleTimeString('fr-FR')}` : '';
  const reason = c.statusReason ? `  — ${c.statusReason}` : '';
  return `${bar} ${done}/${c.total ?? '?'}  envoyés ${c.counts.sent}  échecs ${c.counts.failed}  ignorés ${c.counts.skipped}${rate}${eta}  [${c.status}]${reason}`;
}

const deliveryLabels = {
  delivered: 'remis',
  bounced: 'rebonds définitifs',
  transientBounces: 'rebonds temporaires',
  complaints: 'plaintes',
  rejected: 'refusés par SES',
} as const;

/** What SES reported after sending (configuration set events), when it reported anything. */
function deliveryLine(c: Campaign): string | undefined {
  const parts = Object.entries(deliveryLabels)
    .map(([key, label]) => [label, c.delivery?.[key as keyof typeof deliveryLabels] ?? 0] as const)
    .filter(([, n]) => n > 0)
    .map(([label, n]) => `${label} ${n}`);
  return parts.length > 0 ? `  retours SES : ${parts.join('  ')}` : undefined;
}

async function watch(api: ApiClient, id: string): Promise<void> {
  const final = new Set(['finished', 'cancelled', 'paused', 'missed']);
  for (;;) {
    const c = await api.request<CampaignView>('GET', `/api/campaigns/${id}`);
    process.stdout.write(`\r\x1b[2K${progressLine(c)}`);
    if (final.has(c.status)) {
      process.stdout.write('\n');
      const delivery = deliveryLine(c);
      if (delivery) console.log(delivery);
      if (c.counts.failed > 0) {
        const { items } = await api.request<{ items: { email: string; error?: string }[] }>('GET', `/api/campaigns/${id}/failures`);
        for (const f of items) console.log(`  échec ${f.email} : ${f.error ?? '?'}`);
      }
      return;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`communique: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});

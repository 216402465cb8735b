import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DnsOutputsError, formatDnsRecords, senderDnsRecords } from './dns-records';

/** `communique dns <outputs.json>`: the DKIM, MAIL FROM and DMARC records the sender domain needs. */
export function registerDnsCommand(program: Command): void {
  program
    .command('dns')
    .description(
      'affiche les enregistrements DNS du domaine d’envoi (DKIM, MAIL FROM, DMARC) à partir des sorties de la pile : ' +
        'fichier de `cdk deploy --outputs-file`, ou JSON de `aws cloudformation describe-stacks` (« - » pour l’entrée standard)',
    )
    .argument('<fichier>', 'sorties de la pile en JSON, ou - pour l’entrée standard')
    .option('--stack <nom>', 'la pile à lire quand le fichier en contient plusieurs')
    .action((file: string, options: { stack?: string }) => {
      let text: string;
      try {
        text = readFileSync(file === '-' ? 0 : file, 'utf8');
      } catch (e: unknown) {
        throw new DnsOutputsError(`${file} : lecture impossible (${e instanceof Error ? e.message : String(e)})`);
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new DnsOutputsError(`${file} : JSON invalide`);
      }
      console.log(formatDnsRecords(senderDnsRecords(json, options.stack)));
    });
}

/**
 * The DNS records of the sending identity, read from the stack outputs `SenderDnsRecord1..N`
 * (infra/publisher-stack.ts: `name TYPE value` each). Accepts the two JSON shapes an operator has
 * at hand: `cdk deploy --outputs-file out.json` (`{ "<stack>": { "<key>": "<value>" } }`) and
 * `aws cloudformation describe-stacks` (`{ "Stacks": [{ "StackName", "Outputs": [{ "OutputKey", "OutputValue" }] }] }`).
 */
export interface DnsRecord {
  readonly name: string;
  readonly type: 'CNAME' | 'MX' | 'TXT';
  readonly value: string;
}

/** Raised for what the operator can fix: printed as is. */
export class DnsOutputsError extends Error {
  override readonly name = 'DnsOutputsError';
}

const OUTPUT = /^SenderDnsRecord(\d+)$/;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ stack: { key: value } }` whatever the input shape. */
function outputsByStack(json: unknown): Record<string, Record<string, string>> {
  if (isObject(json) && Array.isArray(json.Stacks)) {
    const out: Record<string, Record<string, string>> = {};
    for (const stack of json.Stacks) {
      if (!isObject(stack) || typeof stack.StackName !== 'string') continue;
      const outputs = Array.isArray(stack.Outputs) ? stack.Outputs : [];
      out[stack.StackName] = Object.fromEntries(
        outputs
          .filter(isObject)
          .flatMap((o) => (typeof o.OutputKey === 'string' && typeof o.OutputValue === 'string' ? [[o.OutputKey, o.OutputValue]] : [])),
      );
    }
    return out;
  }
  if (isObject(json)) {
    return Object.fromEntries(
      Object.entries(json)
        .filter((e): e is [string, Record<string, unknown>] => isObject(e[1]))
        .map(([stack, outputs]) => [
          stack,
          Object.fromEntries(Object.entries(outputs).filter((e): e is [string, string] => typeof e[1] === 'string')),
        ]),
    );
  }
  throw new DnsOutputsError(
    'sorties de pile illisibles : attendu le fichier de `cdk deploy --outputs-file` ou la réponse de `aws cloudformation describe-stacks`',
  );
}

export function senderDnsRecords(json: unknown, stackName?: string): DnsRecord[] {
  const stacks = Object.entries(outputsByStack(json)).filter(([name, outputs]) =>
    stackName ? name === stackName : Object.keys(outputs).some((k) => OUTPUT.test(k)),
  );
  if (stacks.length === 0) {
    throw new DnsOutputsError(
      stackName
        ? `aucune pile « ${stackName} » dans ces sorties`
        : 'aucun enregistrement DNS dans ces sorties : déployez la pile avec -c senderDomain=… -c dmarcReportAddress=…',
    );
  }
  if (stacks.length > 1) {
    throw new DnsOutputsError(`plusieurs piles ont des enregistrements DNS (${stacks.map(([n]) => n).join(', ')}) : précisez --stack`);
  }
  const [, outputs] = stacks[0] as [string, Record<string, string>];
  const records = Object.entries(outputs)
    .flatMap(([key, value]) => {
      const m = OUTPUT.exec(key);
      return m ? [[Number(m[1]), value] as const] : [];
    })
    .sort(([a], [b]) => a - b)
    .map(([, line]) => {
      const m = /^(\S+) (CNAME|MX|TXT) (.+)$/.exec(line.trim());
      if (!m) throw new DnsOutputsError(`sortie SenderDnsRecord illisible : « ${line} »`);
      return { name: m[1] as string, type: m[2] as DnsRecord['type'], value: m[3] as string };
    });
  if (records.length === 0)
    throw new DnsOutputsError('aucun enregistrement DNS dans cette pile : a-t-elle été déployée avec -c senderDomain=… ?');
  return records;
}

/** One record per line, aligned, as a zone file would hold them (names fully qualified). */
export function formatDnsRecords(records: readonly DnsRecord[]): string {
  const fqdn = (n: string) => (n.endsWith('.') ? n : `${n}.`);
  const width = Math.max(...records.map((r) => fqdn(r.name).length));
  return records.map((r) => `${fqdn(r.name).padEnd(width)}  3600  IN  ${r.type.padEnd(5)}  ${r.value}`).join('\n');
}

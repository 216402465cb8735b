import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDnsRecords, senderDnsRecords } from '../../../local/dns-records';

// What a deployed stack's SenderDnsRecordN outputs hold (infra/publisher-stack.ts), tokens resolved.
const outputs = {
  SenderDnsRecord1: 'abc._domainkey.presse.example.fr CNAME abc.dkim.amazonses.com',
  SenderDnsRecord2: 'def._domainkey.presse.example.fr CNAME def.dkim.amazonses.com',
  SenderDnsRecord3: 'ghi._domainkey.presse.example.fr CNAME ghi.dkim.amazonses.com',
  SenderDnsRecord4: 'bounce.presse.example.fr MX 10 feedback-smtp.eu-west-3.amazonses.com',
  SenderDnsRecord5: 'bounce.presse.example.fr TXT "v=spf1 include:amazonses.com ~all"',
  SenderDnsRecord6: '_dmarc.presse.example.fr TXT "v=DMARC1; p=none; rua=mailto:dmarc@example.fr"',
  TableName: 'Communique-prod-DataTable',
};
const cdkOutputsFile = { 'Communique-prod-edge': {}, 'Communique-prod': outputs };
const describeStacks = {
  Stacks: [
    { StackName: 'Communique-prod', Outputs: Object.entries(outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })) },
  ],
};

describe('senderDnsRecords', () => {
  it('reads the records from a cdk outputs file and from describe-stacks alike, in output order', () => {
    for (const json of [cdkOutputsFile, describeStacks]) {
      const records = senderDnsRecords(json);
      expect(records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT', 'TXT']);
      expect(records[3]).toEqual({ name: 'bounce.presse.example.fr', type: 'MX', value: '10 feedback-smtp.eu-west-3.amazonses.com' });
      expect(records[5]?.value).toBe('"v=DMARC1; p=none; rua=mailto:dmarc@example.fr"');
    }
  });

  it('says in French what to do when the stack has no sender domain, or which stack to pick', () => {
    expect(() => senderDnsRecords({ 'Communique-dev': { TableName: 't' } })).toThrow(/déployez la pile avec -c senderDomain/);
    expect(() => senderDnsRecords({ a: outputs, b: outputs })).toThrow(/précisez --stack/);
    expect(senderDnsRecords({ a: outputs, b: outputs }, 'b')).toHaveLength(6);
    expect(() => senderDnsRecords('oops')).toThrow(/sorties de pile illisibles/);
  });

  it('prints zone-file lines with fully qualified names', () => {
    const text = formatDnsRecords(senderDnsRecords(cdkOutputsFile));
    expect(text.split('\n')).toHaveLength(6);
    expect(text).toMatch(/^_dmarc\.presse\.example\.fr\.\s+3600 {2}IN {2}TXT +"v=DMARC1; p=none; rua=mailto:dmarc@example\.fr"$/m);
  });
});

describe('communique dns', () => {
  it('prints the records of an outputs file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'communique-dns-'));
    try {
      const file = join(dir, 'outputs.json');
      writeFileSync(file, JSON.stringify(cdkOutputsFile));
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'local/cli.ts', 'dns', file], { encoding: 'utf8' });
      expect(out).toContain('bounce.presse.example.fr.');
      expect(out).toContain('MX     10 feedback-smtp.eu-west-3.amazonses.com');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

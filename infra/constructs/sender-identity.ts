import { Fn, Stack } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ses from 'aws-cdk-lib/aws-ses';
import { Construct } from 'constructs';

/** The Route 53 public hosted zone of the sender domain, when the stack may write its records. */
export interface SenderHostedZone {
  readonly hostedZoneId: string;
  readonly zoneName: string;
}

export interface SenderIdentityProps {
  /** Domain the mail is sent from (`presse.example.fr`). */
  readonly senderDomain: string;
  /** The configuration set every mail goes through; the identity's default. */
  readonly configurationSet: ses.IConfigurationSet;
  /** Label of the custom MAIL FROM domain under `senderDomain`. Default `bounce`. */
  readonly mailFromSubdomain?: string;
  /** When given, the DKIM, MAIL FROM and DMARC records are created in it. */
  readonly hostedZone?: SenderHostedZone;
  /** Where DMARC aggregate reports go (`rua=mailto:`). Required: a DMARC record nobody reads teaches nothing. */
  readonly dmarcReportAddress?: string;
}

/** One DNS record to publish, as `communique dns` prints it. */
export interface SenderDnsRecord {
  readonly name: string;
  readonly type: 'CNAME' | 'MX' | 'TXT';
  readonly value: string;
}

const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const ADDRESS = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The sending identity Gmail, Yahoo and Microsoft require of bulk senders: the domain verified
 * with Easy DKIM (2048-bit keys), a custom MAIL FROM subdomain (SPF aligned with the From domain)
 * and a DMARC policy (`p=none` first: watch the reports, then tighten). With a hosted zone the
 * records are created; without one they are listed in `dnsRecords` for the stack outputs.
 */
export class SenderIdentityConstruct extends Construct {
  public readonly identity: ses.EmailIdentity;
  public readonly senderDomain: string;
  public readonly mailFromDomain: string;
  /** Every record the domain needs (created in the zone when one was given). */
  public readonly dnsRecords: readonly SenderDnsRecord[];
  /** True when the records are written to Route 53 by this stack. */
  public readonly managesDns: boolean;

  constructor(scope: Construct, id: string, props: SenderIdentityProps) {
    super(scope, id);
    const label = props.mailFromSubdomain ?? 'bounce';
    if (!LABEL.test(label)) throw new Error(`SenderIdentityConstruct: mailFromSubdomain must be one DNS label, got "${label}"`);
    if (props.dmarcReportAddress === undefined || !ADDRESS.test(props.dmarcReportAddress)) {
      throw new Error(
        `SenderIdentityConstruct: dmarcReportAddress (context dmarcReportAddress) must be an e-mail address, got "${props.dmarcReportAddress ?? ''}"`,
      );
    }
    const zone = props.hostedZone;
    if (zone && props.senderDomain !== zone.zoneName && !props.senderDomain.endsWith(`.${zone.zoneName}`)) {
      throw new Error(`SenderIdentityConstruct: senderDomain "${props.senderDomain}" is not in the hosted zone "${zone.zoneName}"`);
    }
    this.senderDomain = props.senderDomain;
    this.mailFromDomain = `${label}.${props.senderDomain}`;
    this.managesDns = zone !== undefined;

    const hostedZone = zone
      ? route53.PublicHostedZone.fromPublicHostedZoneAttributes(this, 'Zone', {
          hostedZoneId: zone.hostedZoneId,
          zoneName: zone.zoneName,
        })
      : undefined;
    this.identity = new ses.EmailIdentity(this, 'Identity', {
      // With a zone, CDK writes the three DKIM CNAMEs and the MAIL FROM MX and SPF records.
      identity: hostedZone ? ses.Identity.publicHostedZone(hostedZone) : ses.Identity.domain(props.senderDomain),
      configurationSet: props.configurationSet,
      dkimSigning: true,
      dkimIdentity: ses.DkimIdentity.easyDkim(ses.EasyDkimSigningKeyLength.RSA_2048_BIT),
      mailFromDomain: this.mailFromDomain,
      // A MAIL FROM whose MX vanished would silently fall back to amazonses.com and break SPF
      // alignment (DMARC failures); refusing to send makes the fault visible at once.
      mailFromBehaviorOnMxFailure: ses.MailFromBehaviorOnMxFailure.REJECT_MESSAGE,
    });

    const dmarcValue = `v=DMARC1; p=none; rua=mailto:${props.dmarcReportAddress}`;
    if (hostedZone && zone) {
      // The identity covers the zone apex when senderDomain is the zone itself; otherwise the
      // record names are relative to the zone.
      const relative = props.senderDomain === zone.zoneName ? '' : `.${props.senderDomain.slice(0, -(zone.zoneName.length + 1))}`;
      new route53.TxtRecord(this, 'Dmarc', { zone: hostedZone, recordName: `_dmarc${relative}`, values: [dmarcValue] });
    }
    const region = Stack.of(this).region;
    this.dnsRecords = [
      ...this.identity.dkimRecords.map((r) => ({ name: r.name, type: 'CNAME' as const, value: r.value })),
      { name: this.mailFromDomain, type: 'MX', value: Fn.join('', ['10 feedback-smtp.', region, '.amazonses.com']) },
      { name: this.mailFromDomain, type: 'TXT', value: '"v=spf1 include:amazonses.com ~all"' },
      { name: `_dmarc.${props.senderDomain}`, type: 'TXT', value: `"${dmarcValue}"` },
    ];
  }

  /** ARN of the domain identity: the only identity the functions may send from. */
  public get identityArn(): string {
    return Stack.of(this).formatArn({ service: 'ses', resource: 'identity', resourceName: this.senderDomain });
  }
}

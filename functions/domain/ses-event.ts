/**
 * The part of an SES event (configuration set → EventBridge or SNS) that feedback needs. Read
 * by hand, not with zod: this module is the feedback worker's whole validation, and zod alone
 * made 80 % of its bundle (issue 13).
 */
export const sesEventTypes = [
  'Send',
  'Delivery',
  'Bounce',
  'Complaint',
  'Reject',
  'DeliveryDelay',
  'Open',
  'Click',
  'Rendering Failure',
  'Subscription',
] as const;
const bounceTypes = ['Permanent', 'Transient', 'Undetermined'] as const;

export interface SesEvent {
  readonly eventType: (typeof sesEventTypes)[number];
  readonly mail: {
    readonly messageId: string;
    readonly timestamp?: string;
    readonly destination: string[];
    readonly tags: Record<string, string[]>;
  };
  readonly bounce?: {
    readonly bounceType: (typeof bounceTypes)[number];
    readonly bounceSubType?: string;
    readonly bouncedRecipients: { emailAddress: string; diagnosticCode?: string }[];
  };
  readonly complaint?: { readonly complainedRecipients: { emailAddress: string }[] };
}

/** An SES event that does not have the shape feedback relies on: the path and what was wrong. */
export class InvalidSesEventError extends Error {
  constructor(
    readonly path: string,
    problem: string,
  ) {
    super(`invalid SES event at ${path}: ${problem}`);
    this.name = 'InvalidSesEventError';
  }
}

type Obj = Record<string, unknown>;
const object = (v: unknown, path: string): Obj => {
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new InvalidSesEventError(path, 'object expected');
  return v as Obj;
};
const string = (v: unknown, path: string): string => {
  if (typeof v !== 'string') throw new InvalidSesEventError(path, 'string expected');
  return v;
};
const optionalString = (v: unknown, path: string) => (v === undefined ? undefined : string(v, path));
const array = <T>(v: unknown, path: string, item: (x: unknown, path: string) => T): T[] => {
  if (!Array.isArray(v)) throw new InvalidSesEventError(path, 'array expected');
  return v.map((x, i) => item(x, `${path}.${i}`));
};
const oneOf = <T extends string>(v: unknown, path: string, values: readonly T[]): T => {
  if (!values.includes(v as T)) throw new InvalidSesEventError(path, `one of ${values.join(', ')} expected`);
  return v as T;
};

function sesEvent(raw: unknown): SesEvent {
  const e = object(raw, '(event)');
  const mail = object(e.mail, 'mail');
  const tags: Record<string, string[]> = {};
  if (mail.tags !== undefined)
    for (const [k, v] of Object.entries(object(mail.tags, 'mail.tags'))) tags[k] = array(v, `mail.tags.${k}`, string);
  const bounce = e.bounce === undefined ? undefined : object(e.bounce, 'bounce');
  const complaint = e.complaint === undefined ? undefined : object(e.complaint, 'complaint');
  return {
    eventType: oneOf(e.eventType, 'eventType', sesEventTypes),
    mail: {
      messageId: string(mail.messageId, 'mail.messageId'),
      timestamp: optionalString(mail.timestamp, 'mail.timestamp'),
      destination: mail.destination === undefined ? [] : array(mail.destination, 'mail.destination', string),
      tags,
    },
    bounce: bounce && {
      bounceType: oneOf(bounce.bounceType, 'bounce.bounceType', bounceTypes),
      bounceSubType: optionalString(bounce.bounceSubType, 'bounce.bounceSubType'),
      bouncedRecipients: array(bounce.bouncedRecipients, 'bounce.bouncedRecipients', (r, path) => {
        const o = object(r, path);
        const diagnosticCode = optionalString(o.diagnosticCode, `${path}.diagnosticCode`);
        return {
          emailAddress: string(o.emailAddress, `${path}.emailAddress`),
          ...(diagnosticCode === undefined ? {} : { diagnosticCode }),
        };
      }),
    },
    complaint: complaint && {
      complainedRecipients: array(complaint.complainedRecipients, 'complaint.complainedRecipients', (r, path) => ({
        emailAddress: string(object(r, path).emailAddress, `${path}.emailAddress`),
      })),
    },
  };
}

/** Accepts what AWS delivers: an EventBridge event (`detail`), an SNS notification (`Message` string) or the bare event. */
export function parseSesEvent(raw: unknown): SesEvent {
  const r = raw as { detail?: unknown; Message?: unknown; Sns?: { Message?: unknown } };
  const body = r.detail ?? r.Sns?.Message ?? r.Message ?? raw;
  return sesEvent(typeof body === 'string' ? JSON.parse(body) : body);
}

/** Address as SES reports it ("Name <a@b>" or "a@b") reduced to the bare address. */
export const bareAddress = (s: string) => (/<([^>]+)>/.exec(s)?.[1] ?? s).trim();

/** One line of the audit log: who did what to which thing, when. Append-only. */
export interface AuditEntry {
  readonly at: string;
  readonly actorId: string;
  readonly actorName: string;
  readonly action: string;
  readonly entity: 'release' | 'campaign' | 'plan' | 'token' | 'subscriber' | 'list' | 'user' | 'setting' | 'segment' | 'media';
  readonly entityId: string;
  readonly detail?: string;
}

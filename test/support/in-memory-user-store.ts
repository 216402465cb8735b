import { ConflictError } from '../../functions/domain/errors';
import { EmailTakenError, type SessionRecord, type UserAccount } from '../../functions/domain/user-account';
import type { UserStore } from '../../functions/ports';

/** The UserStore in memory, for route and use-case tests (the contract is proven on DynamoDB Local too). */
export class InMemoryUserStore implements UserStore {
  readonly users = new Map<string, UserAccount>();
  readonly sessions = new Map<string, SessionRecord>();
  private firstUserMade = false;

  /** Synchronous, for the route-test harness: puts an account as is. */
  seedUser(user: UserAccount): void {
    this.users.set(user.id, structuredClone(user));
    this.firstUserMade = true;
  }
  /** Synchronous, for the route-test harness: puts a session as is. */
  seedSession(session: SessionRecord): void {
    this.sessions.set(session.id, structuredClone(session));
  }

  async createUser(user: UserAccount): Promise<void> {
    if ([...this.users.values()].some((u) => u.email === user.email)) throw new EmailTakenError();
    if (this.users.has(user.id)) throw new ConflictError(`account id ${user.id} already exists`);
    this.users.set(user.id, structuredClone(user));
    this.firstUserMade = true;
  }
  async createFirstUser(user: UserAccount): Promise<boolean> {
    if (this.firstUserMade || this.users.size > 0) return false;
    await this.createUser(user);
    return true;
  }
  async getUser(id: string) {
    const u = this.users.get(id);
    return u ? structuredClone(u) : undefined;
  }
  async getUserByEmail(email: string) {
    const u = [...this.users.values()].find((x) => x.email === email);
    return u ? structuredClone(u) : undefined;
  }
  async listUsers() {
    return [...this.users.values()].map((u) => structuredClone(u)).sort((a, b) => a.name.localeCompare(b.name, 'fr'));
  }
  async changeUser(id: string, change: { role?: UserAccount['role']; status?: UserAccount['status'] }, at: string) {
    const u = this.users.get(id);
    if (!u) return undefined;
    const next: UserAccount = { ...u, ...change, sessionEpoch: u.sessionEpoch + 1, updatedAt: at };
    this.users.set(id, next);
    return structuredClone(next);
  }
  async endSessionsOf(id: string, at: string) {
    const u = this.users.get(id);
    if (u) this.users.set(id, { ...u, sessionEpoch: u.sessionEpoch + 1, updatedAt: at });
  }
  async setInvitation(id: string, nonce: string, at: string) {
    const u = this.users.get(id);
    if (u?.status !== 'invited') return false;
    this.users.set(id, { ...u, invitationNonce: nonce, updatedAt: at });
    return true;
  }
  async acceptInvitation(id: string, nonce: string, passwordHash: string, at: string) {
    const u = this.users.get(id);
    if (u?.status !== 'invited' || u.invitationNonce !== nonce) return false;
    const { invitationNonce: _, ...rest } = u;
    this.users.set(id, { ...rest, status: 'active', passwordHash, updatedAt: at });
    return true;
  }
  async putSession(session: SessionRecord) {
    this.sessions.set(session.id, structuredClone(session));
  }
  async getSession(id: string) {
    const s = this.sessions.get(id);
    return s ? structuredClone(s) : undefined;
  }
  async touchSession(id: string, at: string) {
    const s = this.sessions.get(id);
    if (s) this.sessions.set(id, { ...s, lastSeenAt: at });
  }
  async deleteSession(id: string) {
    this.sessions.delete(id);
  }
}

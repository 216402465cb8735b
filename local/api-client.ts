import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A request that failed: `status` is undefined when no answer came (network, server down). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** No answer, or a server or gateway error: the request may have been done, and is worth repeating only if it is idempotent. */
  get mayRetry(): boolean {
    return this.status === undefined || this.status >= 500;
  }
}

/** Talks to a running Communiqué (local `npm start` by default) with the admin token. */
export class ApiClient {
  constructor(
    readonly baseUrl: string,
    private readonly token: string,
  ) {}

  /** The header to send with a request this client does not make itself (a streamed upload). */
  get authorization(): string {
    return `Bearer ${this.token}`;
  }

  static fromEnv(env: NodeJS.ProcessEnv = process.env): ApiClient {
    const baseUrl = (env.COMMUNIQUE_API_URL ?? `http://localhost:${env.PORT ?? 3000}`).replace(/\/$/, '');
    const tokenFile = join(env.DATA_DIR ?? '.data', 'admin-token');
    const token = env.COMMUNIQUE_ADMIN_TOKEN ?? (existsSync(tokenFile) ? readFileSync(tokenFile, 'utf8').trim() : undefined);
    if (!token)
      throw new Error(`jeton admin introuvable : définissez COMMUNIQUE_ADMIN_TOKEN ou lancez d'abord npm start (qui crée ${tokenFile})`);
    return new ApiClient(baseUrl, token);
  }

  async request<T>(method: string, path: string, body?: unknown, options: { headers?: Record<string, string> } = {}): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.baseUrl}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.token}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...options.headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (e: unknown) {
      throw new ApiError(
        `Communiqué ne répond pas sur ${this.baseUrl} (npm start est-il lancé ?) : ${e instanceof Error ? e.message : String(e)}`,
        undefined,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not JSON: keep the raw text
      }
      throw new ApiError(`${method} ${path} → ${response.status} : ${message}`, response.status);
    }
    const type = response.headers.get('content-type') ?? '';
    return (type.includes('application/json') ? JSON.parse(text) : text) as T;
  }
}

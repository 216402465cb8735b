import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The SESv2 SendEmail call, as the SDK sends it. */
const SEND_EMAIL = 'POST /v2/email/outbound-emails';

/**
 * A real HTTP proxy in front of the SES emulator (127.0.0.1, free port), for what an emulator
 * cannot do on its own: count the calls it receives, lose the answer of a SendEmail that it
 * did accept, hold its outbox reads.
 */
export interface SesProxy {
  readonly endpoint: string;
  /** Requests forwarded so far, by `METHOD /path` (no query string). */
  readonly calls: Map<string, number>;
  /**
   * The next `n` SendEmail calls reach the emulator (which stores the mail), and their answers
   * never come back: the connection stays silent until the client gives up.
   */
  loseSendAnswers(n: number): void;
  /** `GET /store` answers wait until `release()`: a slow outbox read, as with a very full outbox. */
  holdOutboxReads(): { release(): void };
  close(): Promise<void>;
}

export async function startSesProxy(upstream: string): Promise<SesProxy> {
  const target = new URL(upstream);
  const calls = new Map<string, number>();
  const sockets = new Set<Socket>();
  let answersToLose = 0;
  let hold: Promise<void> | undefined;

  const forward = (req: IncomingMessage, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
      const out = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 502, headers: res.headers, body: Buffer.concat(chunks) }));
          res.on('error', reject);
        },
      );
      out.on('error', reject);
      out.end(body);
    });

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const call = `${req.method} ${(req.url ?? '').split('?')[0]}`;
    calls.set(call, (calls.get(call) ?? 0) + 1);
    if (call === 'GET /store' && hold) await hold;
    const answer = await forward(req, Buffer.concat(chunks));
    if (call === SEND_EMAIL && answersToLose > 0) {
      answersToLose--;
      return; // accepted upstream; the answer is lost on the way back
    }
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      res.writeHead(502);
      res.end(String(e));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    loseSendAnswers(n) {
      answersToLose += n;
    },
    holdOutboxReads() {
      let release = () => {};
      hold = new Promise<void>((r) => (release = r));
      return {
        release() {
          hold = undefined;
          release();
        },
      };
    },
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}

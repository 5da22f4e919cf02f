// The harness's API client: a user's API token, requests spread over the live instances, and
// what a careful client does when the connection breaks (an instance was killed): wait a
// little and send the same request again — with the same Idempotency-Key — to an instance
// that answers.
import type { ServiceInstance } from './services.js';

export interface Reply<T = any> {
  status: number;
  body: T;
  /** How many times the request was sent again after a connection error. */
  retries: number;
  replayed: boolean;
}

export interface Stats {
  requests: number;
  connectionErrors: number;
  byStatus: Map<number, number>;
  /** Responses ≥ 500 with their route and code (never bodies: they could hold names). */
  serverErrors: string[];
  /** 503 answers (every database connection busy: nothing written), retried after Retry-After. */
  overloaded: number;
}

export const newStats = (): Stats => ({
  requests: 0,
  connectionErrors: 0,
  byStatus: new Map(),
  serverErrors: [],
  overloaded: 0,
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ApiClient {
  constructor(
    readonly token: string,
    readonly instances: ServiceInstance[],
    readonly stats: Stats,
    readonly random: () => number = Math.random,
  ) {}

  private pick(): ServiceInstance | null {
    const live = this.instances.filter((i) => i.up);
    if (!live.length) return null;
    return live[Math.floor(this.random() * live.length)];
  }

  /** Sends until an HTTP answer arrives (connection errors retried for up to `patienceMs`). */
  async send<T = any>(
    method: string,
    path: string,
    body?: unknown,
    options: { idempotencyKey?: string; patienceMs?: number; raw?: boolean; form?: FormData } = {},
  ): Promise<Reply<T>> {
    const deadline = Date.now() + (options.patienceMs ?? 90_000);
    let retries = 0;
    for (;;) {
      const target = this.pick();
      if (target) {
        const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
        if (body !== undefined && !options.form) headers['content-type'] = 'application/json';
        if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey;
        try {
          this.stats.requests++;
          const res = await fetch(`${target.url}${path}`, {
            method,
            headers,
            body: options.form ?? (body === undefined ? undefined : JSON.stringify(body)),
            signal: AbortSignal.timeout(60_000),
          });
          const raw = options.raw ? Buffer.from(await res.arrayBuffer()) : null;
          const text = raw ? '' : await res.text();
          this.stats.byStatus.set(res.status, (this.stats.byStatus.get(res.status) ?? 0) + 1);
          let parsed: any = raw;
          if (!raw) {
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = text;
            }
          }
          if (res.status === 503 && res.headers.get('retry-after') && Date.now() < deadline) {
            // Overloaded: nothing was written; a real client waits and tries again.
            this.stats.overloaded++;
            retries++;
            await sleep(Number(res.headers.get('retry-after')) * 1000 * (0.5 + this.random()));
            continue;
          }
          if (res.status >= 500)
            this.stats.serverErrors.push(
              `${method} ${path.replace(/[0-9a-f-]{36}/g, ':id')} → ${res.status} ${parsed?.error?.code ?? parsed?.code ?? ''}`,
            );
          return {
            status: res.status,
            body: parsed as T,
            retries,
            replayed: res.headers.get('idempotent-replayed') === 'true',
          };
        } catch (e) {
          // Connection refused or reset, or a reply cut short: the instance died under us.
          this.stats.connectionErrors++;
          if (e instanceof Error && e.name === 'TimeoutError' && Date.now() > deadline) throw e;
        }
      }
      if (Date.now() > deadline) throw new Error(`${method} ${path}: no instance answered within the patience window`);
      retries++;
      await sleep(100 + Math.floor(this.random() * 200));
    }
  }

  get = <T = any>(path: string) => this.send<T>('GET', path);
  post = <T = any>(path: string, body: unknown = {}, idempotencyKey?: string) =>
    this.send<T>('POST', path, body, { idempotencyKey });
  put = <T = any>(path: string, body: unknown) => this.send<T>('PUT', path, body);
}

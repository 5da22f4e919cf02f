import { ctx } from './context.js';
import { routeOf, watched } from './money-walk.js';
import { checkResponse } from './response-check.js';

type Options = {
  json?: unknown;
  form?: Record<string, string | string[]>;
  raw?: string;
  multipart?: FormData;
  headers?: Record<string, string>;
};

/** The request with an idempotency key: the header for the API, the form's hidden field for a page. */
function withKey(options: Options, key: { value: string; asField: boolean }): Options {
  if (!key.asField) return { ...options, headers: { ...(options.headers ?? {}), 'idempotency-key': key.value } };
  if (options.form) return { ...options, form: { ...options.form, idempotencyKey: key.value } };
  if (options.multipart) {
    const copy = new FormData();
    for (const [k, v] of options.multipart.entries()) copy.append(k, v);
    copy.append('idempotencyKey', key.value);
    return { ...options, multipart: copy };
  }
  return options;
}

export interface Reply<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

/**
 * A small HTTP client for the test app, with a cookie jar (session) and the CSRF token a
 * browser form would carry.
 */
export class Client {
  cookies = new Map<string, string>();
  csrfToken: string | null = null;
  bearer: string | null = null;

  constructor(readonly baseUrl = ctx().baseUrl) {}

  static withToken(token: string): Client {
    const c = new Client();
    c.bearer = token;
    return c;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    const h: Record<string, string> = { ...extra };
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    return h;
  }

  private keepCookies(res: Response) {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const i = pair.indexOf('=');
      const name = pair.slice(0, i);
      const value = pair.slice(i + 1);
      if (/Expires=Thu, 01 Jan 1970/i.test(line) || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async request<T = any>(method: string, path: string, options: Options = {}): Promise<Reply<T>> {
    const hasKey =
      Object.keys(options.headers ?? {}).some((h) => h.toLowerCase() === 'idempotency-key') ||
      !!options.form?.idempotencyKey ||
      !!options.multipart?.has('idempotencyKey');
    // A POST to an idempotent route is sent with a key and replayed by the money walk (money-walk.ts).
    const { res, text } = await watched(method, this.baseUrl, path, hasKey, (key) =>
      this.send(method, path, key ? withKey(options, key) : options),
    );
    this.keepCookies(res);
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
    // Every 2xx JSON body of an API route matches the schema OpenAPI publishes for it (response-check.ts).
    if (this.baseUrl === ctx().baseUrl && text)
      checkResponse(routeOf(method, path), method, path, res.status, res.headers.get('content-type'), parsed);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
  }

  private async send(method: string, path: string, options: Options) {
    const extra: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      extra['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      extra['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form))
        for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
    } else if (options.multipart) body = options.multipart;
    else if (options.raw !== undefined) body = options.raw;
    const res = await fetch(this.baseUrl + path, { method, headers: this.headers(extra), body, redirect: 'manual' });
    return { res, text: await res.text() };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, json: unknown = {}) {
    return this.request<T>('POST', path, { json });
  }
  patch<T = any>(path: string, json: unknown) {
    return this.request<T>('PATCH', path, { json });
  }
  put<T = any>(path: string, json: unknown) {
    return this.request<T>('PUT', path, { json });
  }

  /** Posts a page form with the session's CSRF token, as a browser would. */
  async postForm(path: string, form: Record<string, string | string[]>) {
    return this.request('POST', path, { form: { _csrf: this.csrfToken ?? '', ...form } });
  }

  /** Sends multipart/form-data: text fields and one file, with the CSRF header a page script would add. */
  async upload<T = any>(
    method: string,
    path: string,
    fields: Record<string, string>,
    file?: { field: string; name: string; bytes: Buffer; type?: string },
  ): Promise<Reply<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file)
      form.append(
        file.field,
        new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }),
        file.name,
      );
    return this.request<T>(method, path, {
      multipart: form,
      headers: this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {},
    });
  }

  async login(email: string, password: string): Promise<Reply> {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status === 200) this.csrfToken = r.body.csrfToken;
    return r;
  }
}

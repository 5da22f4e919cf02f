import { ctx } from './context.js';

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

  async request<T = any>(method: string, path: string, options: { json?: unknown; form?: Record<string, string | string[]>; raw?: string; multipart?: FormData; headers?: Record<string, string> } = {}): Promise<Reply<T>> {
    const extra: Record<string, string> = { ...(options.headers ?? {}) };
    let body: string | FormData | undefined;
    if (options.json !== undefined) {
      extra['content-type'] = 'application/json';
      body = JSON.stringify(options.json);
    } else if (options.form) {
      extra['content-type'] = 'application/x-www-form-urlencoded';
      const params = new URLSearchParams();
      for (const [k, v] of Object.entries(options.form)) for (const one of Array.isArray(v) ? v : [v]) params.append(k, one);
      body = params.toString();
    } else if (options.multipart) body = options.multipart;
    else if (options.raw !== undefined) body = options.raw;
    const res = await fetch(this.baseUrl + path, { method, headers: this.headers(extra), body, redirect: 'manual' });
    this.keepCookies(res);
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('application/json') && text) parsed = JSON.parse(text);
    return { status: res.status, headers: res.headers, body: parsed as T, text };
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
  async upload<T = any>(method: string, path: string, fields: Record<string, string>, file?: { field: string; name: string; bytes: Buffer; type?: string }): Promise<Reply<T>> {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.append(k, v);
    if (file) form.append(file.field, new Blob([new Uint8Array(file.bytes)], { type: file.type ?? 'application/octet-stream' }), file.name);
    return this.request<T>(method, path, { multipart: form, headers: this.csrfToken ? { 'x-csrf-token': this.csrfToken } : {} });
  }

  async login(email: string, password: string): Promise<Reply> {
    const r = await this.post('/api/auth/login', { email, password });
    if (r.status === 200) this.csrfToken = r.body.csrfToken;
    return r;
  }
}

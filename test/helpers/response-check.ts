import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TSchema } from '@sinclair/typebox';
import type { RouteSpec } from '../../server/shared/http.js';
import { ajv as appAjv } from '../../server/shared/validate.js';
import { declaredRoutes } from './routes.js';

/**
 * The walk behind "the OpenAPI document says what the API sends": every 2xx JSON body the
 * test client receives from an API route is validated against the schema the route declares
 * for that status (`responses[status].schema`, the one OpenAPI publishes), and the request
 * that got a body its route does not describe fails the test that sent it, naming the route,
 * the URL and the first wrong fields. A route answering JSON without a declared schema fails
 * the same way, so a new route cannot escape. `undescribedJsonRoutes` lists, without any
 * request, the API routes whose declared 2xx JSON answers have no schema.
 */

// CommonJS package seen through ESM interop.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (a: Ajv) => void;

// Its own ajv: the application's fills defaults and trims names in place (request reading); a
// response is only read. Same formats and keywords, so a schema means the same thing.
const ajv = new Ajv({ allErrors: true, strict: true, coerceTypes: false });
addFormats(ajv);
for (const name of ['date', 'date-time', 'iban', 'bic', 'siret', 'timezone']) {
  const format = appAjv.formats[name];
  if (format) ajv.addFormat(name, format);
}
for (const keyword of ['x-label', 'x-record', 'x-text']) ajv.addKeyword({ keyword, schemaType: 'string' });

/**
 * JSON answers that are files, not API records: the OpenAPI document itself. Each entry is a
 * route (`GET /api/openapi.json`) and why it carries no schema.
 */
const JSON_FILES: Record<string, string> = {
  'GET /api/openapi.json': 'the OpenAPI document itself (its own standard describes it)',
};

const compiled = new WeakMap<object, ValidateFunction>();
function compile(schema: TSchema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

const label = (spec: RouteSpec) => `${spec.method.toUpperCase()} ${spec.path}`;
const isJson = (contentType: string | null | undefined) =>
  !contentType || /^application\/(?:[\w.+-]+\+)?json\b/.test(contentType);

/** API routes that declare a 2xx JSON answer (explicitly or by default) without its schema. */
export function undescribedJsonRoutes(): string[] {
  const found: string[] = [];
  for (const spec of declaredRoutes()) {
    if (spec.kind === 'page' || JSON_FILES[label(spec)]) continue;
    const responses = spec.responses ?? { 200: { description: 'OK' } };
    for (const [status, answer] of Object.entries(responses)) {
      const code = Number(status);
      if (code < 200 || code > 299 || code === 204 || answer.schema) continue;
      if (isJson(answer.contentType)) found.push(`${label(spec)} ${status}`);
    }
  }
  return found.sort();
}

/**
 * Checks one answer of the test app: throws when it is a 2xx JSON body of an API route that
 * its declared schema does not describe. `spec` is the route the request went to (null for a
 * URL no route declares: the 404 handler, static files).
 */
export function checkResponse(
  spec: RouteSpec | null,
  method: string,
  url: string,
  status: number,
  contentType: string | null,
  body: unknown,
): void {
  if (!spec || spec.kind === 'page' || status < 200 || status > 299 || status === 204) return;
  if (!contentType?.includes('json') || body === undefined) return;
  const route = label(spec);
  if (JSON_FILES[route]) return;
  const answer = spec.responses?.[status];
  if (!answer?.schema) {
    throw new Error(
      `${route} (${method} ${url}) answered ${status} JSON without a declared response schema: declare responses[${status}].schema`,
    );
  }
  const validate = compile(answer.schema);
  if (!validate(body)) {
    const errors = (validate.errors ?? [])
      .slice(0, 5)
      .map(
        (e) =>
          `${e.instancePath || '(body)'} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
      );
    throw new Error(
      `${route} (${method} ${url}) answered ${status} with a body its response schema does not describe: ${errors.join('; ')}`,
    );
  }
}

// OpenAPI — the API's description, built from the same route specs and JSON Schemas that
// validate requests (docs/architecture.md#requests).
// Words: none of the domain's own.
// Shape: one OpenAPI 3.1 document and its interactive page; no records.
// Owns: no table.
// Calls: shared/.

import type { TSchema } from '@sinclair/typebox';
import { defineRoute, type RouteSpec } from '../shared/http.js';
import { PUBLIC, describeAccess } from '../shared/authorize.js';
import { ErrorBody } from '../shared/schema.js';
import { describeError, type ErrorDescription } from '../shared/errors.js';

const ERROR_RESPONSES: Record<number, string> = {
  400: 'Invalid input: `details` names each field',
  401: 'Not signed in',
  403: 'Signed in without a role this route allows',
  404: 'Not found',
  409: 'State conflict (stable `code`; `…_requires_override` may be repeated with `override.reason`)',
  422: '`idempotency_key_reused`: this `Idempotency-Key` already served this route with another body',
  410: '`idempotent_answer_erased`: this `Idempotency-Key` already served this route; its first answer named a person since erased, so it is not given again (nothing is done twice)',
};

/** The header every `idempotent: true` route accepts (shared/http.ts, shared/idempotency.ts). */
const IDEMPOTENCY_KEY = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  schema: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[\\x21-\\x7e]+$' },
  description:
    'Makes this money-creating request safe to retry: for 24 h, the same key (per user and route) with the same body gets the first answer again ' +
    '(header `Idempotent-Replayed: true`) and creates nothing more; with another body, 422 `idempotency_key_reused`; once the person the first answer named is erased, 410 `idempotent_answer_erased`. A refused request (4xx) stores nothing.',
};

const STATUS_TEXT: Record<number, string> = {
  409: 'State conflict',
  410: 'Gone',
  413: 'Too large',
  503: 'Unavailable',
};

/** The errors a route declares, by status: each with its code and French message (`{argument}` where data fills it in). */
function declaredErrors(r: RouteSpec): Map<number, ErrorDescription[]> {
  const byStatus = new Map<number, ErrorDescription[]>();
  for (const key of r.errors ?? []) {
    const d = describeError(key);
    if (!d)
      throw new Error(`${r.method.toUpperCase()} ${r.path} declares the error ${key}, which no loaded catalogue holds`);
    byStatus.set(d.status, [...(byStatus.get(d.status) ?? []), d]);
  }
  return byStatus;
}

/** Strips TypeBox's symbol keys so the schema is plain JSON Schema. */
function plain(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema));
}

function queryParameters(schema: TSchema | undefined, location: 'query' | 'path') {
  if (!schema) return [];
  const s = plain(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    in: location,
    required: location === 'path' || (s.required ?? []).includes(name),
    schema: prop,
    ...(prop.description ? { description: prop.description } : {}),
  }));
}

/** OpenAPI 3.1 built from the same route specs and JSON Schemas that validate requests. */
export function buildOpenApi(routes: RouteSpec[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    if (r.kind === 'page') continue;
    const path = r.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const responses: Record<string, unknown> = {};
    for (const [status, resp] of Object.entries(r.responses ?? { 200: { description: 'OK' } })) {
      responses[status] = resp.schema
        ? {
            description: resp.description,
            content: { [resp.contentType ?? 'application/json']: { schema: plain(resp.schema) } },
          }
        : resp.contentType
          ? { description: resp.description, content: { [resp.contentType]: {} } }
          : { description: resp.description };
    }
    const isPublic = 'public' in r.access;
    const errorCodes = [400, ...(isPublic ? [] : [401, 403]), ...(r.idempotent ? [410, 422] : [])];
    for (const code of errorCodes) {
      responses[code] ??= {
        description: ERROR_RESPONSES[code],
        content: { 'application/json': { schema: plain(ErrorBody) } },
      };
    }
    for (const [status, errors] of declaredErrors(r)) {
      const given = responses[status] as { description?: string } | undefined;
      const head = given?.description ?? ERROR_RESPONSES[status] ?? STATUS_TEXT[status] ?? 'Refused';
      responses[status] = {
        description: [head, ...errors.map((e) => `- \`${e.code}\`: ${e.message}`)].join('\n'),
        content: {
          'application/json': {
            schema: plain(ErrorBody),
            examples: Object.fromEntries(
              errors.map((e) => [
                e.key,
                { summary: e.code, value: { error: { code: e.code, message: e.message, details: [] } } },
              ]),
            ),
          },
        },
      };
    }
    paths[path] ??= {};
    paths[path][r.method] = {
      summary: r.summary,
      description: `Access: ${describeAccess(r.access)}.`,
      tags: r.tags ?? [],
      operationId: `${r.method}${path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      parameters: [
        ...queryParameters(r.params, 'path'),
        ...queryParameters(r.query, 'query'),
        ...(r.idempotent ? [IDEMPOTENCY_KEY] : []),
      ],
      ...(r.upload
        ? {
            requestBody: {
              required: true,
              content: {
                'multipart/form-data': {
                  schema: {
                    type: 'object',
                    properties: {
                      ...((r.body ? (plain(r.body).properties as object) : {}) ?? {}),
                      [r.upload.field]: { type: 'string', contentMediaType: 'application/octet-stream' },
                    },
                  },
                },
              },
            },
          }
        : r.body
          ? { requestBody: { required: true, content: { 'application/json': { schema: plain(r.body) } } } }
          : {}),
      responses,
      security: isPublic ? [] : [{ session: [] }, { bearer: [] }],
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Participation back-office API',
      version: '0.1.0',
      description:
        'JSON API of the participation back-office. Amounts are integer cents in fields ending in `Cents`; dates `YYYY-MM-DD`; instants ISO 8601 with an offset. ' +
        'Errors: `{"error":{"code","message","details":[{"field","message"}]}}`. Lists: `?limit=` (max 200) `&cursor=` → `{items, nextCursor}`, `?sort=field|-field`.',
    },
    components: {
      securitySchemes: {
        session: {
          type: 'apiKey',
          in: 'cookie',
          name: 'pbo_sid',
          description: 'Session cookie from POST /api/auth/login',
        },
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'API token created by a user, with a subset of their roles',
        },
      },
      schemas: { Error: plain(ErrorBody) },
    },
    paths,
  };
}

const DOCS_HTML = `<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>Documentation de l’API</title>
<link rel="stylesheet" href="/api/docs/ui/swagger-ui.css"></head>
<body><main><h1 class="visually-hidden">Documentation de l’API</h1><div id="swagger-ui"></div></main>
<script src="/api/docs/ui/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body></html>`;

const DOCS_INIT = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', deepLinking: true });`;

export function openApiRoutes(build: () => unknown) {
  let cached: unknown = null;
  return [
    defineRoute({
      method: 'get',
      path: '/api/openapi.json',
      access: PUBLIC,
      tags: ['docs'],
      summary: 'This OpenAPI 3.1 document',
      responses: { 200: { description: 'OpenAPI document', contentType: 'application/json' } },
      handler: (_req, res) => {
        cached ??= build();
        res.json(cached);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs',
      access: PUBLIC,
      tags: ['docs'],
      summary: 'Interactive API documentation',
      responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
      handler: (_req, res) => {
        res.type('html').send(DOCS_HTML);
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/docs/init.js',
      access: PUBLIC,
      tags: ['docs'],
      summary: 'Script of the documentation page',
      responses: { 200: { description: 'JavaScript', contentType: 'text/javascript' } },
      handler: (_req, res) => {
        res.type('text/javascript').send(DOCS_INIT);
      },
    }),
  ];
}

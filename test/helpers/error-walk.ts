import { appendFileSync } from 'node:fs';
import { AppError, describeError } from '../../server/shared/errors.js';
import { watchThrown } from '../../server/shared/http.js';

/**
 * The walk behind "a route declares the refusals it answers" (issue 15): each refusal (4xx) an
 * API route's handler throws during the suite must answer a generic code (one of the shared
 * catalogue: validation, not found, forbidden…) or be one of the route's `errors`, else the root `afterAll`
 * (hooks.ts) fails, listing them. So the OpenAPI document, built from those declarations,
 * cannot miss a refusal the tests see.
 */
const undeclared = new Set<string>();

watchThrown((spec, e) => {
  if (spec.kind === 'page' || !(e instanceof AppError) || e.status >= 500) return;
  // A generic wire code (`forbidden`, `validation_failed`…), whatever catalogue gave its text.
  if (describeError(e.code)?.owner === 'shared') return;
  if ((spec.errors as string[] | undefined)?.includes(e.key)) return;
  const found = `${spec.method.toUpperCase()} ${spec.path}: ${e.key}`;
  if (!undeclared.has(found) && process.env.ERROR_WALK_LOG) appendFileSync(process.env.ERROR_WALK_LOG, `${found}\n`);
  undeclared.add(found);
});

/** API refusals seen that their route does not declare (`METHOD /path: key`). */
export function undeclaredRefusals(): string[] {
  return [...undeclared].sort();
}

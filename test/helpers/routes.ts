import { randomUUID } from 'node:crypto';
import { allRoutes } from '../../server/app.js';
import { openApiRoutes } from '../../server/openapi/index.js';
import type { RouteSpec } from '../../server/shared/http.js';
import { ctx } from './context.js';

/** Every declared route, API and pages (the same list the app mounts). */
export function declaredRoutes(): RouteSpec[] {
  return [...allRoutes(ctx().deps), ...openApiRoutes(() => ({}))];
}

/** A concrete URL for a route pattern: path parameters get a random UUID. */
export function concretePath(pattern: string): string {
  return pattern.replace(/:([A-Za-z0-9_]+)/g, () => randomUUID());
}

/** Exact row counts of every application table, to prove that a refused request wrote nothing. */
export async function rowCounts(exclude: string[] = []): Promise<Record<string, number>> {
  const db = ctx().deps.db;
  const { rows } = await db.raw(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'knex_%' ORDER BY table_name",
  );
  const counts: Record<string, number> = {};
  for (const { table_name } of rows as { table_name: string }[]) {
    if (exclude.includes(table_name)) continue;
    const [{ n }] = await db(table_name).count({ n: '*' });
    counts[table_name] = Number(n);
  }
  return counts;
}

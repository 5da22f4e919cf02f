import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { PUBLIC } from '../shared/authorize.js';
import { obj } from '../shared/schema.js';

const Health = obj({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]),
  db: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
});

async function databaseAnswers(deps: Deps, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      deps.db.raw('SELECT 1').then(
        () => true,
        () => false,
      ),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export function healthRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/health',
      access: PUBLIC,
      settings: false,
      tags: ['health'],
      summary: 'Liveness and database check (503 when the database does not answer)',
      responses: {
        200: { description: 'Healthy', schema: Health },
        503: { description: 'Database unavailable', schema: Health },
      },
      handler: async (_req, res) => {
        const ok = await databaseAnswers(deps, 2000);
        res.status(ok ? 200 : 503).json({ status: ok ? 'ok' : 'degraded', db: ok ? 'ok' : 'unavailable' });
      },
    }),
  ];
}

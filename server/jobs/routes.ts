import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { obj, Uuid, Nullable, RecordId } from '../shared/schema.js';
import { getJob, presentJob } from './records.js';

export const JobView = obj({
  id: Uuid,
  kind: Type.String(),
  status: Type.Union([
    Type.Literal('queued'),
    Type.Literal('running'),
    Type.Literal('completed'),
    Type.Literal('failed'),
  ]),
  progress: Type.Integer(),
  total: Nullable(Type.Integer()),
  result: Nullable(Type.Record(Type.String(), Type.Unknown())),
  errorCode: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
});

export function jobRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/jobs/:id',
      access: AUTHENTICATED,
      tags: ['jobs'],
      summary: 'Progress of a long job (the one who started it, or an admin)',
      params: obj({ id: RecordId('jobs') }),
      responses: { 200: { description: 'Job', schema: JobView } },
      handler: async (req, res) => {
        const job = await getJob(deps.db, req.params.id, deps.now());
        const actor = req.ctx.actor!;
        if (!job || (job.created_by !== actor.userId && !actor.roles.includes('admin'))) throw notFound('Tâche');
        res.json(presentJob(job));
      },
    }),
  ];
}

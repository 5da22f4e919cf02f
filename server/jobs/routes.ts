import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { AUTHENTICATED } from '../shared/authorize.js';
import { obj, Uuid, Nullable, RecordId } from '../shared/schema.js';
import { presentJob, showJob } from './records.js';

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
        res.json(presentJob(await showJob(deps, req.ctx.acting, req.params.id)));
      },
    }),
  ];
}

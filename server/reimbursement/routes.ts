import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import {
  RateVersionCreateBody,
  RateVersionCreated,
  RateSetInForce,
  RateSetInForceQuery,
  RateVersionListQuery,
  RateVersionList,
} from './schemas.js';
import { RATE_READERS, RATE_WRITERS } from './policy.js';
import { listVersions } from './repo.js';
import { rateSetFor } from './rate-set-for.js';
import { createRateVersion } from './create-rate-version.js';
import { presentRateSet, presentVersion } from './presenter.js';

export function rateRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get',
      path: '/api/policies',
      access: RATE_READERS,
      tags: ['policies'],
      summary:
        'Reimbursement policy versions: the organisation’s, or a project’s overrides with ?projectId= (latest first)',
      query: RateVersionListQuery,
      responses: { 200: { description: 'Versions', schema: RateVersionList } },
      handler: async (req, res) => {
        res.json({ items: (await listVersions(deps.db, req.query.projectId ?? null)).map(presentVersion) });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/api/policies/in-force',
      access: RATE_READERS,
      tags: ['policies'],
      summary:
        'The policy a line travelled on `date` is computed with (organisation merged with the project’s override)',
      query: RateSetInForceQuery,
      responses: { 200: { description: 'Policy in force', schema: RateSetInForce } },
      errors: ['policy_not_in_force'],
      handler: async (req, res) => {
        res.json(
          presentRateSet(await rateSetFor(deps.db, { projectId: req.query.projectId, travelDate: req.query.date })),
        );
      },
    }),
    defineRoute({
      method: 'post',
      path: '/api/policies',
      access: RATE_WRITERS,
      tags: ['policies'],
      summary:
        'Add a policy version from a date: complete rates for the organisation (finance, admin), any subset for a project (finance, its lead); audited, never rewrites a version',
      body: RateVersionCreateBody,
      responses: { 201: { description: 'Created, with warnings (policy_retroactive)', schema: RateVersionCreated } },
      errors: ['policy_version_exists', 'project_rates_forbidden', 'organisation_rates_forbidden'],
      handler: async (req, res) => {
        const { version, warnings } = await createRateVersion(deps, req.ctx.acting, req.body);
        res.status(201).json({ version: presentVersion(version), warnings });
      },
    }),
  ];
}

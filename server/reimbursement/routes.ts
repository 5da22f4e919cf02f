import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { auditActorOf } from '../audit/index.js';
import { PolicyCreateBody, PolicyCreated, PolicyInForce, PolicyInForceQuery, PolicyListQuery, PolicyVersionList } from './schemas.js';
import { POLICY_READERS, POLICY_WRITERS } from './access.js';
import { listVersions } from './repo.js';
import { policyFor } from './policy-for.js';
import { createPolicyVersion } from './create-policy.js';
import { presentPolicy, presentVersion } from './presenter.js';

export function policyRoutes(deps: Deps) {
  return [
    defineRoute({
      method: 'get', path: '/api/policies', access: POLICY_READERS, tags: ['policies'],
      summary: 'Reimbursement policy versions: the organisation’s, or a project’s overrides with ?projectId= (latest first)',
      query: PolicyListQuery,
      responses: { 200: { description: 'Versions', schema: PolicyVersionList } },
      handler: async (req, res) => {
        res.json({ items: (await listVersions(deps.db, req.query.projectId ?? null)).map(presentVersion) });
      },
    }),
    defineRoute({
      method: 'get', path: '/api/policies/in-force', access: POLICY_READERS, tags: ['policies'],
      summary: 'The policy a line travelled on `date` is computed with (organisation merged with the project’s override)',
      query: PolicyInForceQuery,
      responses: { 200: { description: 'Policy in force', schema: PolicyInForce } }, errors: ['policy_not_in_force'],
      handler: async (req, res) => {
        res.json(presentPolicy(await policyFor(deps.db, { projectId: req.query.projectId, travelDate: req.query.date })));
      },
    }),
    defineRoute({
      method: 'post', path: '/api/policies', access: POLICY_WRITERS, tags: ['policies'],
      summary: 'Add a policy version from a date: complete rates for the organisation (finance, admin), any subset for a project (finance, its lead); audited, never rewrites a version',
      body: PolicyCreateBody,
      responses: { 201: { description: 'Created, with warnings (policy_retroactive)', schema: PolicyCreated } }, errors: ['policy_version_exists', 'project_rates_forbidden', 'organisation_rates_forbidden'],
      handler: async (req, res) => {
        const { version, warnings } = await createPolicyVersion(deps, req.ctx.actor!, auditActorOf(req.ctx), req.body);
        res.status(201).json({ version: presentVersion(version), warnings });
      },
    }),
  ];
}

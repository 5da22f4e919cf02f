import type { Static } from '@sinclair/typebox';
import type { ProjectDetail } from './repo.js';
import type { ProjectView } from './schemas.js';

/** The fields of a project an API response or page may show. */
export function presentProject(p: ProjectDetail): Static<typeof ProjectView> {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    participationLevel: p.participation_level,
    leadUserId: p.lead_user_id,
    leadName: p.lead_name,
    startsOn: p.starts_on,
    endsOn: p.ends_on,
    status: p.status,
    solicitationLimit: p.solicitation_limit,
    allowanceEnabled: p.allowance_enabled,
    allowanceHalfDayCents: p.allowance_half_day_cents,
    budget: p.budget,
    plannedTotalCents: Object.values(p.budget).reduce((s, v) => s + v, 0),
    targets: p.targets,
    createdAt: p.created_at.toISOString(),
    updatedAt: p.updated_at.toISOString(),
  };
}

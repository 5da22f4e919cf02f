import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { hasAnyRole } from '../shared/authorize.js';
import { notFound } from '../shared/errors.js';
import { obj, RecordId } from '../shared/schema.js';
import { toLocal } from '../shared/dates.js';
import { page } from '../shared/pages.js';
import { CLAIM_FLAGS, CLAIM_FLAG_LABELS, CLAIM_STATUSES, CLAIM_STATUS_LABELS, ClaimListQuery } from './schemas.js';
import { CLAIM_READERS, CLAIM_WRITER_ROLES } from './policy.js';
import { cappedCountsByStatus, listClaims } from './queue-repo.js';
import { countLabel } from '../shared/counts.js';
import { yearlyTotals } from './presenter.js';
import { participantName, projectOptions, sessionChoices } from './choices-repo.js';

const SORTS = [
  { value: '-createdAt', label: 'Plus récentes d’abord' },
  { value: 'createdAt', label: 'Plus anciennes d’abord' },
  { value: '-amount', label: 'Montant décroissant' },
  { value: 'reference', label: 'Référence' },
];
const AGES = [
  { value: '', label: 'Toutes' },
  { value: '7', label: 'Plus de 7 jours' },
  { value: '30', label: 'Plus de 30 jours' },
  { value: '90', label: 'Plus de 90 jours' },
];

export function claimPages(deps: Deps) {
  const labels = { statusLabels: CLAIM_STATUS_LABELS, flagLabels: CLAIM_FLAG_LABELS };
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/claims',
      access: CLAIM_READERS,
      summary: 'Claims queue with filters, sort and counts per status',
      query: ClaimListQuery,
      handler: async (req, res) => {
        const { now } = req.ctx.acting;
        const f = { ...req.query, sort: req.query.sort ?? '-createdAt' };
        const result = await listClaims(deps.db, f, now);
        const counted = await cappedCountsByStatus(deps.db, f, now);
        const counts = Object.fromEntries(CLAIM_STATUSES.map((s) => [s, countLabel(counted[s] ?? 0)]));
        const { cursor: _c, ...kept } = f;
        const next = result.nextCursor
          ? `/claims?${new URLSearchParams({ ...(kept as Record<string, string>), cursor: result.nextCursor })}`
          : null;
        await page(deps, req, res, 'claims/list.njk', {
          title: 'Remboursements',
          items: result.items,
          next,
          counts,
          filters: f,
          ...labels,
          statusOptions: [
            { value: '', label: 'Tous' },
            ...CLAIM_STATUSES.map((s) => ({ value: s, label: `${CLAIM_STATUS_LABELS[s]} (${counts[s]})` })),
          ],
          flagOptions: [
            { value: '', label: 'Tous' },
            ...CLAIM_FLAGS.map((s) => ({ value: s, label: CLAIM_FLAG_LABELS[s] })),
          ],
          projectOptions: [
            { value: '', label: 'Tous' },
            ...(await projectOptions(deps.db)).map((p) => ({ value: p.id, label: p.name })),
          ],
          sessionOptions: [
            { value: '', label: 'Toutes' },
            ...(await sessionChoices(deps.db, now)).map((s) => ({
              value: s.id,
              label: `${s.title} (${toLocal(s.starts_at).date})`,
            })),
          ],
          ageOptions: AGES,
          sortOptions: SORTS,
          canWrite: hasAnyRole(req.ctx.acting.actor, CLAIM_WRITER_ROLES),
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/claims/advances',
      access: CLAIM_READERS,
      summary: 'Open advances to settle',
      handler: async (req, res) => {
        const result = await listClaims(
          deps.db,
          { advancesToSettle: 'true', limit: '200', sort: 'createdAt' },
          req.ctx.acting.now,
        );
        await page(deps, req, res, 'claims/advances.njk', {
          title: 'Avances à régulariser',
          items: result.items,
          ...labels,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id/claims',
      access: CLAIM_READERS,
      summary: 'A participant’s claims and yearly totals',
      params: obj({ id: RecordId('participants') }),
      query: obj({ year: Type.Optional(Type.String({ pattern: '^20[0-9]{2}$' })) }),
      handler: async (req, res) => {
        const settings = await req.ctx.acting.settings();
        const p = await participantName(deps.db, req.params.id);
        if (!p) throw notFound('Participant');
        const year = Number(req.query.year ?? toLocal(req.ctx.acting.now, settings.timeZone).date.slice(0, 4));
        const result = await listClaims(
          deps.db,
          { participantId: p.id, limit: '200', sort: '-createdAt' },
          req.ctx.acting.now,
        );
        await page(deps, req, res, 'claims/participant.njk', {
          title: `Remboursements — ${[p.first_name, p.last_name].filter(Boolean).join(' ')}`,
          participant: p,
          participantId: p.id,
          activeTab: 'claims',
          items: result.items,
          totals: await yearlyTotals(deps.db, settings, p.id, year),
          ...labels,
          canWrite: hasAnyRole(req.ctx.acting.actor, CLAIM_WRITER_ROLES),
        });
      },
    }),
  ];
}

import { Type } from '@sinclair/typebox';
import type { Deps } from '../shared/deps.js';
import { defineRoute } from '../shared/http.js';
import { obj } from '../shared/schema.js';
import { validate } from '../shared/validate.js';
import { flash } from '../auth/index.js';
import { activePartnerOptions } from '../partners/index.js';
import { page } from '../shared/pages.js';
import { ParticipantIdParams, ParticipantListQuery } from './schemas.js';
import { PARTICIPANT_READERS, canReadArchived, canWrite, readableGroups } from './policy.js';
import { listForReader, readParticipant } from './read-participants.js';
import { communesInUse } from './repo.js';
import { liveConsentPurposes as livePurposes } from '../consents/index.js';
import { participantMessages } from '../notifications/index.js';
import { participantTimeline } from './timeline.js';
import { CLAIM_READERS, CLAIM_STATUS_LABELS } from '../claims/index.js';
import { BATCH_READERS, CERTIFICATE_READERS, PAYMENT_STATUS_LABELS, participantPayments } from '../payments/index.js';
import { hasAnyRole, type Access } from '../shared/authorize.js';

import * as labels from './labels.js';
import { localDay } from '../shared/dates.js';

const rolesOf = (access: Access) => ('roles' in access ? access.roles : []);

const Filter = Type.Optional(Type.String({ maxLength: 500 }));
const PageListQuery = obj({
  q: Filter,
  partnerId: Filter,
  status: Filter,
  communeInsee: Filter,
  hasNeeds: Filter,
  sort: Filter,
  cursor: Filter,
});

const SORT_OPTIONS = [
  { value: 'lastName', label: 'Nom (A → Z)' },
  { value: '-lastName', label: 'Nom (Z → A)' },
  { value: '-createdAt', label: 'Les plus récents' },
  { value: 'createdAt', label: 'Les plus anciens' },
  { value: 'reference', label: 'Référence' },
];

/** Labels the participant templates use. */
export const LABELS = {
  fields: labels.FIELD_LABELS,
  civility: labels.CIVILITY_LABELS,
  channel: labels.CHANNEL_LABELS,
  needs: labels.NEED_LABELS,
  ageBand: labels.AGE_BAND_LABELS,
  activity: labels.ACTIVITY_LABELS,
  household: labels.HOUSEHOLD_LABELS,
  status: labels.STATUS_LABELS,
};

export function browsePages(deps: Deps) {
  return [
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants',
      access: PARTICIPANT_READERS,
      summary: 'Participants list with search, filters and sort',
      query: PageListQuery,
      handler: async (req, res) => {
        const actor = req.ctx.acting.actor;
        const groups = readableGroups(actor);
        const filters = Object.fromEntries(
          Object.entries(req.query).filter(([, v]) => typeof v === 'string' && v !== ''),
        ) as Record<string, string>;
        const query = validate(ParticipantListQuery, { ...filters, limit: '25' });
        const result = await listForReader(deps, req.ctx.acting, query);
        const params = new URLSearchParams(Object.entries(filters).filter(([k]) => k !== 'cursor'));
        const searching = Object.keys(filters).some((k) => !['sort', 'cursor'].includes(k));
        await page(deps, req, res, 'participants/list.njk', {
          title: 'Participants',
          participants: result.items,
          nextHref: result.nextCursor
            ? `/participants?${params.toString()}${params.size ? '&' : ''}cursor=${result.nextCursor}`
            : null,
          searching,
          filters: req.query,
          partnerOptions: [
            { value: '', label: 'Toutes' },
            ...(await activePartnerOptions(deps.db)).map((p) => ({ value: p.id, label: p.name })),
          ],
          communeOptions: [
            { value: '', label: 'Toutes' },
            ...(await communesInUse(deps.db)).map((c) => ({ value: c.code, label: c.name })),
          ],
          statusOptions: [
            { value: '', label: 'Actives' },
            ...(canReadArchived(actor) ? [{ value: 'archived', label: 'Archivées (lecture tracée)' }] : []),
            { value: 'anonymised', label: 'Anonymisées' },
          ],
          sortOptions: SORT_OPTIONS,
          show: { identity: groups.has('identity'), contact: groups.has('contact'), needs: groups.has('needs') },
          canWrite: canWrite(actor),
          labels: LABELS,
        });
      },
    }),
    defineRoute({
      kind: 'page',
      method: 'get',
      path: '/participants/:id',
      access: PARTICIPANT_READERS,
      summary: 'A participant: identity, contact, needs, profile (per role) and history',
      params: ParticipantIdParams,
      handler: async (req, res) => {
        const { acting } = req.ctx;
        const { actor } = acting;
        const { row, view } = await readParticipant(deps, acting, { id: req.params.id, via: 'page' });
        if (row.merged_into_id) {
          await flash(deps, req, 'info', `La fiche ${row.reference} a été fusionnée dans celle-ci.`);
          return res.redirect(303, `/participants/${row.merged_into_id}`);
        }
        const groups = readableGroups(actor);
        const settings = await acting.settings();
        const live =
          groups.has('needs') || groups.has('profile')
            ? await livePurposes(deps.db, row.id, localDay(acting.now, settings.timeZone))
            : new Set<string>();
        await page(deps, req, res, 'participants/detail.njk', {
          title: view.lastName ? `${view.lastName} ${view.firstName ?? ''}`.trim() : `Participant ${view.reference}`,
          p: view,
          participantId: row.id,
          activeTab: 'fiche',
          show: {
            identity: groups.has('identity'),
            postal: groups.has('postal'),
            contact: groups.has('contact'),
            needs: groups.has('needs'),
            profile: groups.has('profile'),
          },
          consent: { needs: live.has('needs'), profile: live.has('profile') },
          timeline: groups.has('contact') ? await participantTimeline(deps.db, row.id) : null,
          messages: groups.has('contact') ? await participantMessages(deps.db, row.id) : null,
          // Payment status: for those who read claims; certificates for those who hand them out.
          payments: hasAnyRole(actor, rolesOf(CLAIM_READERS))
            ? await participantPayments(deps.db, settings, row.id)
            : null,
          canCertify: hasAnyRole(actor, rolesOf(CERTIFICATE_READERS)),
          canSeeBatch: hasAnyRole(actor, rolesOf(BATCH_READERS)),
          claimStatusLabels: CLAIM_STATUS_LABELS,
          paymentStatusLabels: PAYMENT_STATUS_LABELS,
          canWrite: canWrite(actor) && row.status === 'active',
          labels: LABELS,
        });
      },
    }),
  ];
}

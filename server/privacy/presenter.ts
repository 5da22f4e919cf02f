import type { Static } from '@sinclair/typebox';
import { presentJob, type JobRow } from '../jobs/index.js';
import type { RequestRow } from './repo.js';
import type { RequestView, RunView } from './schemas.js';

/** A privacy request as the API and pages show it; `overdue` is judged against the organisation's today. */
export function presentRequest(r: RequestRow, today: string): Static<typeof RequestView> {
  return {
    id: r.id,
    reference: r.reference,
    participantId: r.participant_id,
    participantReference: r.participant_reference,
    kind: r.kind,
    receivedOn: r.received_on,
    channel: r.channel,
    requesterNote: r.requester_note,
    dueOn: r.due_on,
    overdue: r.status === 'open' && r.due_on < today,
    status: r.status,
    outcomeCode: r.outcome_code,
    outcomeNote: r.outcome_note,
    completedOn: r.completed_on,
    createdAt: r.created_at.toISOString(),
  };
}
export type RequestViewModel = ReturnType<typeof presentRequest>;

/** A retention run: the job, its mode (dry_run, apply) and what started it (api, page, cli, daily). */
export function presentRun(j: JobRow): Static<typeof RunView> {
  const params = j.params as { mode?: string; trigger?: string };
  return { ...presentJob(j), mode: params.mode ?? 'apply', trigger: params.trigger ?? 'api' };
}

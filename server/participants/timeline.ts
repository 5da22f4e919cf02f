import type { Db } from '../shared/db.js';
import { FIELD_LABELS } from './labels.js';
import { timelineAuditEvents, timelineConsents, timelineRequests } from './timeline-repo.js';

/** One dated line of a participant's history; `day` events carry a date, others an instant. */
export interface TimelineEvent {
  at: string;
  precision: 'day' | 'instant';
  label: string;
}

const REQUEST_KINDS: Record<string, string> = {
  access: 'd’accès',
  rectification: 'de rectification',
  erasure: 'd’effacement',
  objection: 'd’opposition',
};
const CHANNELS: Record<string, string> = {
  paper: 'sur papier',
  oral: 'à l’oral, devant témoin',
  online: 'en ligne',
  email: 'par e-mail',
  phone: 'par téléphone',
};

function auditLabel(
  e: { action: string; reason_code: string | null; data: Record<string, unknown> },
  participantId: string,
): string {
  switch (e.action) {
    case 'participant.created':
      return e.reason_code === 'import'
        ? 'Fiche créée par import'
        : e.reason_code === 'duplicate_override'
          ? 'Fiche créée malgré un doublon probable (motif confirmé)'
          : 'Fiche créée';
    case 'participant.updated': {
      const fields = Array.isArray(e.data.fields) ? (e.data.fields as string[]).map((f) => FIELD_LABELS[f] ?? f) : [];
      return `Fiche modifiée${fields.length ? ` (${fields.join(', ')})` : ''}`;
    }
    case 'participant.merged':
      return e.data.sourceId === participantId
        ? 'Fiche fusionnée dans une autre fiche'
        : 'Une fiche en double a été fusionnée dans celle-ci';
    case 'participant.archived_read':
      return 'Lecture de la fiche archivée';
    default:
      return `Événement : ${e.action}`;
  }
}

/**
 * The participant's history, newest first: consents given and withdrawn, privacy requests
 * received and closed, and the audit events of the record. Read-only over tables other
 * capabilities write; later capabilities add invitations, attendance, claims, payments.
 */
export async function participantTimeline(db: Db, participantId: string, limit = 100): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  const consents = await timelineConsents(db, participantId);
  for (const c of consents) {
    events.push({
      at: c.given_on,
      precision: 'day',
      label: `Consentement donné ${CHANNELS[c.channel] ?? ''} : ${c.label}`,
    });
    if (c.withdrawn_on)
      events.push({
        at: c.withdrawn_on,
        precision: 'day',
        label: `Consentement retiré${c.withdrawal_channel ? ` ${CHANNELS[c.withdrawal_channel] ?? ''}` : ''} : ${c.label}`,
      });
  }
  const requests = await timelineRequests(db, participantId);
  for (const r of requests) {
    const kind = REQUEST_KINDS[r.kind] ?? r.kind;
    events.push({ at: r.received_on, precision: 'day', label: `Demande ${kind} reçue (${r.reference})` });
    if (r.completed_on)
      events.push({
        at: r.completed_on,
        precision: 'day',
        label: `Demande ${kind} ${r.status === 'refused' ? 'refusée' : 'traitée'} (${r.reference})`,
      });
  }
  const audits = await timelineAuditEvents(db, participantId, limit);
  for (const e of audits)
    events.push({
      at: (e.occurred_at as Date).toISOString(),
      precision: 'instant',
      label: auditLabel(e, participantId),
    });
  // Days sort before the instants of the same day only by their text: enough for a history.
  return events.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0)).slice(0, limit);
}

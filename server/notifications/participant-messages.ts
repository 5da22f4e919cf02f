import type { Db } from '../shared/db.js';
import { MESSAGE_USES, type MessageUseCode } from '../privacy/index.js';
import { participantMessageRows } from './repo.js';

/** What the person's page says of each message state (plain French). */
export const MESSAGE_STATUS_LABELS: Record<string, string> = {
  pending: 'à envoyer',
  sending: 'en cours d’envoi',
  delivered: 'envoyé',
  failed: 'en échec',
  printed: 'courrier imprimé',
  withheld: 'non contacté·e : pas de consentement',
};

export interface ParticipantMessage {
  id: string;
  createdAt: string;
  subject: string;
  use: string;
  useLabel: string;
  channel: 'email' | 'letter';
  notContacted: boolean;
  statusLabel: string;
}

/**
 * The messages sent or to send to a person, and those that were not sent because the person
 * had no live contact consent ("non contacté·e : pas de consentement"): never silently skipped.
 */
export async function participantMessages(db: Db, participantId: string): Promise<ParticipantMessage[]> {
  return (await participantMessageRows(db, participantId)).map((m) => ({
    id: m.id,
    createdAt: m.created_at.toISOString(),
    subject: m.subject,
    use: m.use,
    useLabel: MESSAGE_USES[m.use as MessageUseCode]?.label ?? m.use,
    channel: m.channel as 'email' | 'letter',
    notContacted: m.status === 'withheld',
    statusLabel: MESSAGE_STATUS_LABELS[m.status] ?? m.status,
  }));
}

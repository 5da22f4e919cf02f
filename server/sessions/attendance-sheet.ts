import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { PdfDocument } from '../shared/pdf.js';
import { formatLocalRange } from '../shared/dates.js';
import { liveBookingOfSession } from '../venues/index.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { SESSION_KIND_LABELS } from './schemas.js';
import { getSession, sessionParticipants } from './repo.js';

/**
 * The attendance sheet to print and sign: project and session header (local date and time,
 * place), everyone invited or already recorded (declined people left out), sorted by last
 * name, a signature column and blank lines for walk-ins.
 */
export async function attendanceSheet(deps: Deps, acting: Acting, sessionId: string): Promise<Uint8Array> {
  const settings = await acting.settings();
  const session = await getSession(deps.db, sessionId);
  if (!session) throw notFound('Session');
  const booking = await liveBookingOfSession(deps.db, sessionId);
  const people = (await sessionParticipants(deps.db, sessionId)).filter((p) => p.status !== 'declined');
  const pdf = await PdfDocument.create(`Feuille d’émargement — ${session.title}`, settings.name);
  pdf.heading('Feuille d’émargement');
  const venue = booking?.venue;
  pdf.facts([
    ['Projet', session.project_name],
    ['Session', `${session.title} (${SESSION_KIND_LABELS[session.kind].toLowerCase()})`],
    ['Date', formatLocalRange(session.starts_at, session.ends_at, settings.timeZone)],
    [
      'Lieu',
      venue
        ? [venue.name, venue.address, [venue.postal_code, venue.commune_name].filter(Boolean).join(' ')]
            .filter(Boolean)
            .join(', ')
        : 'non renseigné',
    ],
  ]);
  if (session.status === 'cancelled') pdf.paragraph('Cette session est annulée.', { bold: true });
  pdf.paragraph('Merci de signer en face de votre nom. Votre signature permet le remboursement de vos frais.', {
    size: 9.5,
  });
  const rows = people.map((p) => [p.last_name ?? '', p.first_name ?? '', p.reference, '']);
  for (let i = 0; i < 5; i++) rows.push(['', '', '', '']);
  pdf.table(
    [
      { header: 'Nom', width: 3 },
      { header: 'Prénom', width: 3 },
      { header: 'Référence', width: 2 },
      { header: 'Signature', width: 4 },
    ],
    rows,
    11,
  );
  await recordAudit(deps.db, acting, {
    action: 'session.attendance_sheet_printed',
    recordType: 'session',
    recordId: sessionId,
    data: { people: people.length },
  });
  return pdf.save();
}

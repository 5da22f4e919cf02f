import type { Deps } from '../shared/deps.js';
import { notFound } from '../shared/errors.js';
import { PdfDocument } from '../shared/pdf.js';
import { formatCents } from '../shared/money.js';
import { formatDate } from '../shared/format.js';
import { formatLocalRange } from '../shared/dates.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { DECIDED, getClaim, sessionsByIds } from './repo.js';
import { participantContact } from '../participants/index.js';
import { claimVars } from './notify.js';
import { CONTEST_TEXT } from './contest.js';
import { claimsError } from './errors.js';

/**
 * The decision letter (PDF): each line asked and granted and, for any reduction or refusal,
 * its reason, how to contest it and within what deadline, and whom to call.
 */
export async function decisionLetter(deps: Deps, acting: Acting, claimId: string): Promise<Uint8Array> {
  const settings = await acting.settings();
  const claim = await getClaim(deps.db, claimId);
  if (!claim) throw notFound('Demande');
  if (!DECIDED.includes(claim.status)) throw claimsError('claim_not_decided');
  const person = (await participantContact(deps.db, claim.participant_id))!;
  const v = await claimVars(deps.db, settings, claim);
  const pdf = await PdfDocument.create(`Décision — ${claim.reference}`, settings.name);
  pdf.paragraph([settings.name, v.orgAddress].filter(Boolean).join('\n'), { size: 9.5 });
  pdf.space(6).paragraph([person.first_name, person.last_name].filter(Boolean).join(' '), { indent: 280 });
  pdf.paragraph(`Le ${v.decidedOn ?? formatDate(acting.now, settings.timeZone)}`, { indent: 280 });
  pdf.heading(`Décision sur votre demande de remboursement ${claim.reference}`, 2);
  pdf.paragraph(
    `Vous avez demandé le remboursement de vos frais pour : ${v.sessions.map((s) => `${s.title} (${s.when})`).join(' ; ')}.`,
  );
  pdf.table(
    [
      { header: 'Frais', width: 3 },
      { header: 'Date', width: 1.6 },
      { header: 'Demandé', width: 1.6, align: 'right' },
      { header: 'Accordé', width: 1.6, align: 'right' },
      { header: 'Motif', width: 4 },
    ],
    v.lines.map((l) => [
      l.label,
      l.date,
      formatCents(l.askedCents),
      formatCents(l.grantedCents),
      l.reason ? `${l.reason}${l.reasonNote ? ` : ${l.reasonNote}` : ''}` : '',
    ]),
  );
  pdf.facts([
    ['Total demandé', formatCents(v.askedCents)],
    ['Total accordé', formatCents(v.grantedCents)],
    ...(claim.advance_of_claim_id
      ? [
          ['Reste à vous payer', formatCents(v.toPayCents)] as [string, string],
          ['Somme à rembourser', formatCents(v.toRecoverCents)] as [string, string],
        ]
      : []),
  ]);
  if (v.anyReduction) {
    pdf.heading('Si vous n’êtes pas d’accord', 2);
    for (const p of CONTEST_TEXT(settings.name, v.orgAddress)) pdf.paragraph(p);
  }
  pdf.heading('Une question ?', 2);
  pdf.paragraph(
    `Appelez ou écrivez à ${settings.name}${settings.phone ? ` (${settings.phone})` : ''}${v.orgAddress ? `, ${v.orgAddress}` : ''}, en donnant la référence ${claim.reference}.`,
  );
  await recordAudit(deps.db, acting, {
    action: 'claim.decision_letter_printed',
    recordType: 'claim',
    recordId: claimId,
  });
  return pdf.save();
}

/** The claim form to hand out at a session (`sessionId`), prefilled with the person's name when `participantId` is given. */
export async function claimFormPdf(
  deps: Deps,
  acting: Acting,
  input: { sessionId: string; participantId?: string },
): Promise<Uint8Array> {
  const { sessionId, participantId } = input;
  const settings = await acting.settings();
  const [session] = await sessionsByIds(deps.db, [sessionId]);
  if (!session) throw notFound('Session');
  const person = participantId ? await participantContact(deps.db, participantId) : undefined;
  if (participantId && !person) throw notFound('Participant');
  const pdf = await PdfDocument.create(`Demande de remboursement — ${session.title}`, settings.name);
  pdf.heading('Demande de remboursement de vos frais');
  pdf.facts([
    ['Nom', person ? [person.first_name, person.last_name].filter(Boolean).join(' ') : ''],
    ['Référence', person?.reference ?? ''],
    ['Session', session.title],
    ['Date', formatLocalRange(session.starts_at, session.ends_at, settings.timeZone)],
  ]);
  pdf.paragraph('Remplissez ce qui vous concerne et joignez vos tickets et factures. Nous vous remboursons vite.', {
    size: 10,
  });
  pdf.heading('Comment êtes-vous venu·e ?', 2);
  pdf.checkbox('En bus, tram ou train : prix des tickets ........................ €');
  pdf.checkbox('En voiture : nombre de km aller-retour ............ km — chevaux fiscaux : ......');
  pdf.checkbox('En moto ou en cyclomoteur : nombre de km aller-retour ............ km');
  pdf.checkbox('En taxi ou transport adapté (à justifier) : ........................ €');
  pdf.heading('Garde d’enfants', 2);
  pdf.checkbox('Nombre d’heures de garde : ............ h — prix payé : ........................ €');
  pdf.heading('Repas et nuit', 2);
  pdf.checkbox('Heure de départ de chez vous : ......... h ......... — heure de retour : ......... h .........');
  pdf.checkbox('Nuit à l’hôtel (facture) : ........................ €');
  pdf.paragraph('Je certifie exact ce que j’ai écrit.', { size: 10 });
  pdf.signature('Date et signature');
  return pdf.save();
}

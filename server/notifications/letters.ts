import type { Deps } from '../shared/deps.js';
import { inTransaction } from '../shared/db.js';
import { PdfDocument } from '../shared/pdf.js';
import { formatDate } from '../shared/format.js';
import type { Acting } from '../shared/acting.js';
import { recordAudit } from '../audit/index.js';
import { pendingLetters, markPrinted } from './repo.js';

/**
 * One PDF with every letter waiting to be printed (one or more pages each; only those of
 * `ids` when given), for people without e-mail (addressed to their association when that is
 * their channel), dated the acting's day. Printing is a separate, explicit step
 * (`markLettersPrinted`), so a bundle downloaded twice prints the same letters.
 */
export async function letterBundle(
  deps: Deps,
  acting: Acting,
  input: { ids?: string[] } = {},
): Promise<{ pdf: Uint8Array; ids: string[] }> {
  const settings = await acting.settings();
  const letters = await pendingLetters(deps.db, input.ids);
  const pdf = await PdfDocument.create('Courriers à imprimer', settings.name);
  letters.forEach((l, i) => {
    if (i > 0) pdf.pageBreak();
    const org = [
      settings.name,
      settings.address.line1,
      settings.address.line2,
      `${settings.address.postalCode} ${settings.address.city}`.trim(),
    ].filter(Boolean);
    pdf.paragraph(org.join('\n'), { size: 9.5 });
    const to = (
      l.partner_name
        ? [
            l.recipient_name,
            `aux bons soins de ${l.partner_name}`,
            l.partner_address_line1,
            [l.partner_postal_code, l.partner_commune_name].filter(Boolean).join(' '),
          ]
        : [
            l.recipient_name,
            l.address_line1,
            l.address_line2,
            [l.postal_code, l.commune_name].filter(Boolean).join(' '),
          ]
    ).filter((x) => x && x.trim());
    pdf.space(10).paragraph(to.join('\n') || '(adresse à compléter)', { indent: 280 });
    pdf.space(10).paragraph(`Le ${formatDate(acting.now, settings.timeZone)}`, { indent: 280 });
    pdf.space(6).heading(l.subject, 2).paragraph(l.body_text);
  });
  if (!letters.length) pdf.paragraph('Aucun courrier en attente d’impression.');
  await recordAudit(deps.db, acting, { action: 'outbox.letters_exported', data: { count: letters.length } });
  return { pdf: await pdf.save(), ids: letters.map((l) => l.id) };
}

/** Marks the letters `ids` printed and posted (at the acting's clock); returns how many were still pending. */
export async function markLettersPrinted(deps: Deps, acting: Acting, input: { ids: string[] }): Promise<number> {
  return inTransaction(deps.db, async (trx) => {
    const n = await markPrinted(trx, input.ids, acting.now);
    await recordAudit(trx, acting, { action: 'outbox.letters_printed', data: { count: n } });
    return n;
  });
}

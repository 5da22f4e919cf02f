import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import { centsToCsv, csvCell, toCsv } from '../../server/shared/csv.js';
import { attendedSession, TICKET } from '../claims/helpers.js';
import { SAMPLE_FILES } from '../helpers/documents.js';

/** Every TypeScript file under server/. */
function sources(dir = 'server'): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) =>
      e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : [],
    );
}

/** A PDF that runs JavaScript when opened (the case of the issue). */
const scriptedPdf = (tag: string) =>
  Buffer.from(
    `%PDF-1.4\n1 0 obj <</Type /Catalog /Pages 2 0 R /OpenAction <</S /JavaScript /JS (app.alert\\(1\\))>> >> endobj\n2 0 obj <</Type /Pages /Kids [] /Count 0>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n% ${tag}`,
    'latin1',
  );

describe('stored files and CSV cells', () => {
  it('when the code sends a stored file, then it goes through sendStoredFile (shared/files.ts)', () => {
    const offenders: string[] = [];
    for (const file of sources()) {
      if (file.endsWith(path.join('shared', 'files.ts'))) continue;
      const text = fs.readFileSync(file, 'utf8');
      // A stored file's bytes are its `content` (files.content): sent by hand, or an inline disposition set by hand.
      if (/\.(send|end)\([^)]*\.content\)/.test(text)) offenders.push(`${file}: sends a stored file's content`);
      if (
        /Content-Disposition['"],\s*['"`]inline['";]/.test(text) &&
        /readFileContent|receiptFile|files\.content|f\.content/.test(text)
      )
        offenders.push(`${file}: inline stored file`);
    }
    expect(offenders).to.deep.equal([]);
  });

  it('when a PDF receipt with a JavaScript OpenAction is opened from the claim page, then it is an attachment under CSP sandbox; an image is inline, sandboxed too', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const created = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [TICKET(900)],
    });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as string;
    const pdf = await staff.upload(
      'POST',
      `/api/claims/${id}/receipts`,
      { amountCents: '500' },
      { field: 'file', name: 'note "de" frais.pdf', bytes: scriptedPdf(id), type: 'application/pdf' },
    );
    expect(pdf.status, pdf.text).to.equal(201);
    const png = await staff.upload(
      'POST',
      `/api/claims/${id}/receipts`,
      { amountCents: '400' },
      {
        field: 'file',
        name: 'ticket.png',
        bytes: Buffer.concat([SAMPLE_FILES.png, Buffer.from(id)]),
        type: 'image/png',
      },
    );
    expect(png.status, png.text).to.equal(201);
    const receipts = png.body.receipts as { url: string; mediaType: string }[];
    const asPdf = await staff.get(receipts.find((r) => r.mediaType === 'application/pdf')!.url);
    expect(asPdf.status).to.equal(200);
    expect(asPdf.headers.get('content-type')).to.equal('application/pdf');
    expect(asPdf.headers.get('content-disposition')).to.equal(
      `attachment; filename="note _de_ frais.pdf"; filename*=UTF-8''note%20%22de%22%20frais.pdf`,
    );
    expect(asPdf.headers.get('content-security-policy')).to.equal('sandbox');
    expect(asPdf.headers.get('x-content-type-options')).to.equal('nosniff');
    const asPng = await staff.get(receipts.find((r) => r.mediaType === 'image/png')!.url);
    expect(asPng.headers.get('content-type')).to.equal('image/png');
    expect(asPng.headers.get('content-disposition')).to.match(/^inline; filename="ticket.png"/);
    expect(asPng.headers.get('content-security-policy')).to.equal('sandbox');
    // The claim page links the PDF as a download and shows only the image.
    const page = await staff.request('GET', `/claims/${id}`, { headers: { accept: 'text/html' } });
    expect(page.text)
      .to.include('PDF, à télécharger')
      .and.match(/<a href="[^"]+" download>Justificatif 1/);
    expect(page.text.match(/<img [^>]*receipt-preview/g)).to.have.length(1);
  });

  it('when a CSV cell holds a comma, then it is quoted like one holding a semicolon; formulas stay neutralised and numbers bare', () => {
    expect(csvCell('ACME,=1+1')).to.equal('"ACME,=1+1"');
    expect(csvCell('ACME;=1+1')).to.equal('"ACME;=1+1"');
    expect(csvCell('=1+1')).to.equal("'=1+1");
    expect(csvCell('=SUM(A1,B1)')).to.equal(`"'=SUM(A1,B1)"`);
    expect(csvCell('dit "oui"')).to.equal('"dit ""oui"""');
    expect(csvCell('a\r\nb')).to.equal('"a\r\nb"');
    expect(csvCell(centsToCsv(-123456))).to.equal('-1234,56');
    expect(csvCell(12.5)).to.equal('12,5');
    expect(toCsv(['Nom', 'Montant'], [['ACME,=1+1', centsToCsv(1050)]])).to.equal(
      '\uFEFFNom;Montant\r\n"ACME,=1+1";10,50\r\n',
    );
  });
});

import { expect } from 'chai';
import { PdfDocument } from '../../server/shared/pdf.js';
import { toCsv, centsToCsv, neutraliseFormula } from '../../server/shared/csv.js';
import { sniffDocumentType, sniffSpreadsheet, safeFileName } from '../../server/shared/files.js';
import { pdfText, SAMPLE_FILES } from '../helpers/documents.js';

describe('documents', () => {
  it('when a PDF holds names in any script and a long table, then pdftotext reads them back on every page', async () => {
    const pdf = await PdfDocument.create('Essai', 'Département de la Drôme — essai');
    pdf.heading('Feuille d’émargement').facts([
      ['Participante', 'Nguyễn Thị Ánh'],
      ['Autre', 'Łukasz Ağaoğlu — 1 234,56 €'],
    ]);
    pdf.checkbox('J’accepte d’être recontacté·e', true).signature('Signature');
    pdf.table(
      [
        { header: 'N°', width: 1 },
        { header: 'Nom', width: 4 },
        { header: 'Montant', width: 2, align: 'right' },
      ],
      Array.from({ length: 80 }, (_, i) => [String(i + 1), `Personne ${i + 1}`, '12,50 €']),
    );
    const text = pdfText(await pdf.save());
    expect(text).to.include('Nguyễn Thị Ánh').and.include('Łukasz Ağaoğlu').and.include('1 234,56 €');
    expect(text)
      .to.include('Personne 80')
      .and.match(/Page 2 \/ \d/);
  });

  it('when a CSV is written, then it is the French Excel dialect and formulas are neutralised', () => {
    const csv = toCsv(
      ['Nom', 'Montant', 'Note'],
      [
        ['=HYPERLINK("x")', centsToCsv(-1234), 'a;b'],
        ['@SUM(A1)', centsToCsv(5), '+33 6 12'],
      ],
    );
    expect(csv.startsWith('\uFEFFNom;Montant;Note\r\n')).to.equal(true);
    expect(csv).to.include(`"'=HYPERLINK(""x"")";-12,34;"a;b"\r\n`);
    expect(csv).to.include("'@SUM(A1);0,05;'+33 6 12\r\n");
    expect(neutraliseFormula('-1')).to.equal("'-1");
  });

  it('when a file is sniffed, then its content decides, not its name', () => {
    expect(sniffDocumentType(SAMPLE_FILES.pdf)).to.equal('application/pdf');
    expect(sniffDocumentType(SAMPLE_FILES.jpeg)).to.equal('image/jpeg');
    expect(sniffDocumentType(SAMPLE_FILES.png)).to.equal('image/png');
    expect(sniffDocumentType(SAMPLE_FILES.executable)).to.equal(null);
    expect(sniffSpreadsheet(Buffer.from('nom;prénom\nDupont;Marie\n'))).to.equal('csv');
    expect(sniffSpreadsheet(SAMPLE_FILES.executable)).to.equal(null);
    expect(safeFileName('../../etc/passwd')).to.equal('passwd');
    expect(safeFileName('C:\\Users\\x\\reçu\u0000.pdf')).to.equal('reçu.pdf');
  });
});

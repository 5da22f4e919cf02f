import { expect } from 'chai';
import { Readable } from 'node:stream';
import { ZipArchive } from 'archiver';
import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { AppError } from '../../server/shared/errors.js';
import { assertZipExpandsWithin, readXlsxRows } from '../../server/shared/spreadsheet.js';
import { signedIn } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';

/** A ZIP whose one entry is `size` zero bytes: a few hundred KB that expand to `size`. */
export async function zipBomb(size: number, name = 'xl/sharedStrings.xml'): Promise<Buffer> {
  const zip = new ZipArchive({ zlib: { level: 9 } });
  const chunks: Buffer[] = [];
  zip.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise((resolve, reject) => {
    zip.on('end', resolve);
    zip.on('error', reject);
  });
  const block = Buffer.alloc(1024 * 1024);
  let left = size;
  zip.append(
    Readable.from(
      (function* () {
        while (left > 0) {
          const n = Math.min(left, block.length);
          left -= n;
          yield block.subarray(0, n);
        }
      })(),
    ),
    { name },
  );
  await zip.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function workbook(rows: number): Promise<Buffer> {
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Liste');
  sheet.addRow(['Nom', 'Prénom', 'Commune']);
  for (let i = 0; i < rows; i++) sheet.addRow([`Nom${i}`, 'Anne', 'Valence']);
  return Buffer.from(await book.xlsx.writeBuffer());
}

const fileMessage = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(AppError);
    return (e as AppError).details?.[0];
  }
  throw new Error('expected a refusal');
};

describe('spreadsheet imports read within limits', () => {
  it('when a ZIP expands past the limit whatever sizes it declares, then it is refused naming the file', async () => {
    const bomb = await zipBomb(60 * 1024 * 1024);
    expect(bomb.length).to.be.below(1024 * 1024);
    expect(await fileMessage(assertZipExpandsWithin(bomb, 40 * 1024 * 1024))).to.deep.equal({
      field: 'file',
      message: 'classeur XLSX trop volumineux une fois décompressé (40 Mo au plus)',
    });
    await assertZipExpandsWithin(await zipBomb(1024 * 1024), 40 * 1024 * 1024);
  });

  it('when a sheet holds more rows than allowed, then reading stops with the row limit; within it, rows come with their line numbers', async () => {
    expect(await fileMessage(readXlsxRows(await workbook(120), { maxRows: 100 }))).to.deep.equal({
      field: 'file',
      message: '100 lignes au plus par import',
    });
    const rows = await readXlsxRows(await workbook(3), { maxRows: 100 });
    expect(rows).to.deep.equal([
      { line: 1, cells: ['Nom', 'Prénom', 'Commune'] },
      { line: 2, cells: ['Nom0', 'Anne', 'Valence'] },
      { line: 3, cells: ['Nom1', 'Anne', 'Valence'] },
      { line: 4, cells: ['Nom2', 'Anne', 'Valence'] },
    ]);
  });

  it('when a workbook’s sheet comes before its workbook part in the ZIP (ExcelJS writes its parts in no fixed order), then it is read, not refused as unreadable', async () => {
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Lieux');
    sheet.addRow(['Nom', 'Capacité']);
    sheet.addRow(['Médiathèque', 30]);
    const written = await JSZip.loadAsync(Buffer.from(await book.xlsx.writeBuffer()));
    const names = Object.keys(written.files).filter((n) => !written.files[n].dir);
    const first = ['[Content_Types].xml', '_rels/.rels', 'xl/_rels/workbook.xml.rels', 'xl/sharedStrings.xml'];
    const order = [
      ...first,
      'xl/worksheets/sheet1.xml',
      ...names.filter((n) => ![...first, 'xl/worksheets/sheet1.xml'].includes(n)),
    ];
    expect(names).to.include.members(first);
    const reordered = new JSZip();
    for (const n of order) reordered.file(n, await written.files[n].async('nodebuffer'));
    const bytes = await reordered.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
    const rows = await readXlsxRows(bytes, { maxRows: 10 });
    expect(rows.map((r) => r.cells)).to.deep.equal([
      ['Nom', 'Capacité'],
      ['Médiathèque', '30'],
    ]);
  });

  it('when a truncated or foreign ZIP is sent, then it is unreadable, not a 500', async () => {
    const good = await workbook(2);
    expect(await fileMessage(readXlsxRows(good.subarray(0, good.length - 30), { maxRows: 10 }))).to.deep.equal({
      field: 'file',
      message: 'classeur XLSX illisible',
    });
  });

  it('when a ZIP bomb or a 5,001-row workbook is imported (participants, venues), then 400 names the file and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const before = await rowCounts(['imports', 'audit_events']);
    const bomb = { field: 'file', name: 'liste.xlsx', bytes: await zipBomb(60 * 1024 * 1024) };
    for (const path of ['/api/participants/imports', '/api/venues/imports']) {
      const r = await staff.upload('POST', path, {}, bomb);
      expect(r.status, path).to.equal(400);
      expect(r.body.error.details[0]).to.deep.equal({
        field: 'file',
        message: 'classeur XLSX trop volumineux une fois décompressé (40 Mo au plus)',
      });
    }
    const many = await staff.upload(
      'POST',
      '/api/participants/imports',
      {},
      { field: 'file', name: 'liste.xlsx', bytes: await workbook(5001) },
    );
    expect(many.status).to.equal(400);
    expect(many.body.error.details[0]).to.deep.equal({ field: 'file', message: '5000 lignes au plus par import' });
    expect(await rowCounts(['imports', 'audit_events'])).to.deep.equal(before);
  });
});

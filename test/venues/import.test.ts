import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';

const CSV =
  '\uFEFFNom;Commune;Code INSEE;Capacité;Accès sans marche;Tarif;Coût\r\n' +
  'Salle Jean Moulin ImpA;Montélimar;26198;60;oui;demi-journée;45,00\r\n' +
  'Local associatif ImpA;Nyons;26220;zéro;non;gratuit;\r\n' +
  'Foyer rural ImpA;Dieulefit;26114;25;x;gratuit;\r\n';

const venueCount = async () => Number((await ctx().deps.db('venues').count({ n: '*' }))[0].n);

describe('venue import', () => {
  it('when a CSV is sent, then a preview reports the bad line by row and field and writes nothing; confirming creates the valid venues once', async () => {
    const staff = await signedIn('staff');
    const before = await venueCount();
    const preview = await staff.upload(
      'POST',
      '/api/venues/imports',
      {},
      { field: 'file', name: 'lieux.csv', bytes: Buffer.from(CSV), type: 'text/csv' },
    );
    expect(preview.status, preview.text).to.equal(201);
    expect(preview.body).to.include({ validCount: 2, errorCount: 1 });
    expect(preview.body.report).to.deep.equal([{ row: 3, field: 'capacity', message: 'doit être de type integer' }]);
    expect(JSON.stringify(preview.body.report)).to.not.include('Nyons');
    expect(await venueCount()).to.equal(before);
    const confirmed = await staff.post(`/api/venues/imports/${preview.body.id}/confirm`);
    expect(confirmed.body).to.deep.equal({ id: preview.body.id, status: 'confirmed', created: 2 });
    expect((await staff.post(`/api/venues/imports/${preview.body.id}/confirm`)).body.created).to.equal(2);
    expect(await venueCount()).to.equal(before + 2);
    const created = await ctx()
      .deps.db('venues')
      .where('name', 'Salle Jean Moulin ImpA')
      .first('cost_mode', 'cost_cents', 'step_free_access', 'capacity');
    expect(created).to.deep.equal({ cost_mode: 'half_day', cost_cents: 4500, step_free_access: true, capacity: 60 });
    const imp = await ctx().deps.db('imports').where({ id: preview.body.id }).first('rows', 'status');
    expect(imp).to.deep.equal({ rows: null, status: 'confirmed' });
  });

  it('when an XLSX is sent through the page, then the preview page shows the lines to create; a wrong file is a 400 naming `file`', async () => {
    const staff = await signedIn('staff');
    const book = new ExcelJS.Workbook();
    const sheet = book.addWorksheet('Lieux');
    sheet.addRow(['Nom', 'Commune', 'Capacité', 'Boucle magnétique']);
    sheet.addRow(['Médiathèque ImpB', 'Pierrelatte', 30, 'oui']);
    const bytes = Buffer.from(await book.xlsx.writeBuffer());
    const r = await staff.upload('POST', '/venues/import', {}, { field: 'file', name: 'lieux.xlsx', bytes });
    expect(r.status, r.text.slice(0, 300)).to.equal(200);
    expect(r.text).to.include('Médiathèque ImpB').and.include('1 ligne(s) prête(s) à importer');
    const bad = await staff.upload(
      'POST',
      '/api/venues/imports',
      {},
      { field: 'file', name: 'x.csv', bytes: Buffer.from([0, 1, 2, 3]) },
    );
    expect(bad.status).to.equal(400);
    expect(bad.body.error.details[0].field).to.equal('file');
  });
});

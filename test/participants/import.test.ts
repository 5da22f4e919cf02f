import { expect } from 'chai';
import ExcelJS from 'exceljs';
import { ctx } from '../helpers/context.js';
import { signedIn, createPartner, uniqueEmail } from '../helpers/factories.js';
import { rowCounts } from '../helpers/routes.js';
import { auditOf, tag } from './support.js';

const csvFile = (text: string, name = 'participants.csv') => ({
  field: 'file',
  name,
  bytes: Buffer.from(text, 'utf8'),
  type: 'text/csv',
});

describe('participants: importing a spreadsheet', () => {
  it('when a French CSV has a bad e-mail row, then the preview reports the row, nothing is written, and confirming creates only the valid rows', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const partner = await createPartner({ name: `Entraide ${t}` });
    const good = uniqueEmail('imp');
    const csv =
      '\uFEFFNom;Prénom;Courriel;Téléphone;Code postal;Commune;Canal;Structure relais\r\n' +
      `Durand${t};Léon;${good};6 39 98 03 01;26000;Valence;e-mail;\r\n` +
      `Benoît${t};Anaïs;pas-un-email;;26100;Romans-sur-Isère;;\r\n` +
      `Keita${t};Moussa;;;26150;Die;structure relais;entraide ${t}\r\n` +
      `Durand${t};Léon;;0639980301;26000;Valence;;\r\n`;
    const before = await rowCounts(['web_sessions', 'imports', 'audit_events']);
    const preview = await staff.upload('POST', '/api/participants/imports', {}, csvFile(csv));
    expect(preview.status).to.equal(201);
    expect(preview.body).to.include({ status: 'previewed', validCount: 2, errorCount: 2 });
    expect(preview.body.errors).to.deep.include({
      row: 3,
      field: 'email',
      message: 'doit être une adresse e-mail valide',
    });
    expect(preview.body.errors).to.deep.include({
      row: 5,
      field: 'duplicates',
      message: 'doublon de la ligne 2 (même téléphone)',
    });
    expect(
      preview.body.preview.map((r: { lastName: string; phone: string | null }) => [r.lastName, r.phone]),
    ).to.deep.equal([
      [`Durand${t}`, '06 39 98 03 01'],
      [`Keita${t}`, null],
    ]);
    expect(preview.body.preview[1]).to.include({
      partnerName: partner.name,
      preferredChannel: 'partner',
      communeName: 'Die',
    });
    expect(await rowCounts(['web_sessions', 'imports', 'audit_events'])).to.deep.equal(before);
    const stored = await ctx().deps.db('imports').where({ id: preview.body.importId }).first();
    expect(JSON.stringify(stored.report)).to.not.include('pas-un-email').and.not.include(t);

    const confirmed = await staff.post(`/api/participants/imports/${preview.body.importId}/confirm`);
    expect(confirmed.status).to.equal(200);
    expect(confirmed.body).to.deep.equal({ importId: preview.body.importId, status: 'confirmed', createdCount: 2 });
    const rows = await ctx()
      .deps.db('participants')
      .whereILike('last_name', `%${t}`)
      .orderBy('last_name')
      .select('id', 'last_name', 'partner_id', 'created_by');
    expect(rows.map((r) => r.last_name)).to.deep.equal([`Durand${t}`, `Keita${t}`]);
    expect(rows[1].partner_id).to.equal(partner.id);
    expect((await ctx().deps.db('imports').where({ id: preview.body.importId }).first()).rows).to.equal(null);
    expect((await auditOf(rows[0].id)).map((e) => [e.action, e.reason_code])).to.deep.equal([
      ['participant.created', 'import'],
    ]);
    const importEvents = await auditOf(preview.body.importId);
    expect(importEvents.map((e) => e.action)).to.deep.equal(['participants.import_previewed', 'participants.imported']);
    expect(importEvents[1].data).to.deep.equal({ created: 2, rowsWithErrors: 2 });
    const again = await staff.post(`/api/participants/imports/${preview.body.importId}/confirm`);
    expect(again.body).to.deep.equal(confirmed.body);
    expect((await staff.post(`/api/participants/imports/${preview.body.importId}/cancel`)).status).to.equal(409);

    const reimport = await staff.upload('POST', '/api/participants/imports', {}, csvFile(csv));
    expect(reimport.body.validCount).to.equal(0);
    expect(reimport.body.errors.filter((e: { field: string }) => e.field === 'duplicates').length).to.equal(3);
  });

  it('when an XLSX workbook is imported with a mapping, then its cells (numbers, links) are read like text', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const workbook = new ExcelJS.Workbook();
    const sheet = workbook.addWorksheet('Personnes');
    sheet.addRow(['Famille', 'Prénom', 'E-mail', 'Tél', 'CP', 'Code INSEE', 'Mineur', 'Représentant légal']);
    const email = uniqueEmail('xlsx');
    sheet.addRow([
      `Ortiz${t}`,
      'Lucía',
      { text: email, hyperlink: `mailto:${email}` },
      639980401,
      26200,
      '26198',
      'non',
      null,
    ]);
    sheet.addRow([`Ortiz${t}`, 'Mateo', null, 639980402, 26200, '26198', 'oui', 'Lucía Ortiz']);
    sheet.addRow([`Sans${t}`, 'Contact', null, null, null, null, null, null]);
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer());
    const r = await staff.upload(
      'POST',
      '/api/participants/imports',
      { mapping: JSON.stringify({ Famille: 'lastName' }) },
      { field: 'file', name: 'liste.xlsx', bytes },
    );
    expect(r.status).to.equal(201);
    expect(r.body.columns[0]).to.deep.equal({ header: 'Famille', field: 'lastName' });
    expect(r.body.validCount).to.equal(2);
    expect(r.body.errors).to.deep.equal([{ row: 4, field: 'contact', message: r.body.errors[0].message }]);
    expect(r.body.preview[0]).to.include({
      email,
      phone: '06 39 98 04 01',
      postalCode: '26200',
      communeName: 'Montélimar',
    });
    expect(r.body.preview[1]).to.include({ isMinor: true, guardianName: 'Lucía Ortiz' });
    const cancelled = await staff.post(`/api/participants/imports/${r.body.importId}/cancel`);
    expect(cancelled.body.status).to.equal('cancelled');
    expect((await staff.post(`/api/participants/imports/${r.body.importId}/confirm`)).status).to.equal(409);
    expect(await ctx().deps.db('participants').whereILike('last_name', `%${t}`).count({ n: '*' })).to.deep.equal([
      { n: 0 },
    ]);
  });

  it('when the file is not a spreadsheet, too big, missing a name column or badly mapped, then 400 (413) names the field and nothing is stored', async () => {
    const staff = await signedIn('staff');
    const before = await rowCounts(['web_sessions']);
    const exe = await staff.upload(
      'POST',
      '/api/participants/imports',
      {},
      { field: 'file', name: 'x.csv', bytes: Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]) },
    );
    expect(exe.status).to.equal(400);
    expect(exe.body.error.details[0].field).to.equal('file');
    expect((await staff.upload('POST', '/api/participants/imports', {})).body.error.details[0]).to.deep.equal({
      field: 'file',
      message: 'fichier obligatoire',
    });
    const noName = await staff.upload(
      'POST',
      '/api/participants/imports',
      {},
      csvFile('Courriel;Téléphone\na@b.fr;0639980000\n'),
    );
    expect(noName.status).to.equal(400);
    expect(noName.body.error.details.map((d: { field: string }) => d.field)).to.deep.equal(['mapping', 'mapping']);
    const badMapping = await staff.upload(
      'POST',
      '/api/participants/imports',
      { mapping: '{"Nom": "salaire"}' },
      csvFile('Nom;Prénom\nA;B\n'),
    );
    expect(badMapping.status).to.equal(400);
    expect(
      (
        await staff.upload(
          'POST',
          '/api/participants/imports',
          { mapping: 'pas du json' },
          csvFile('Nom;Prénom\nA;B\n'),
        )
      ).status,
    ).to.equal(400);
    const big = await staff.upload(
      'POST',
      '/api/participants/imports',
      {},
      csvFile(`Nom;Prénom\n${'A;B\n'.repeat(1_400_000)}`),
    );
    expect(big.status).to.equal(413);
    expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
  });

  it('when staff import through the pages, then the preview shows row errors and the confirmation creates the records', async () => {
    const staff = await signedIn('staff');
    const t = tag();
    const form = await staff.get('/participants/imports');
    expect(form.text).to.include('enctype="multipart/form-data"');
    const csv = `nom,prénom,e-mail,code postal,commune\nPage${t},Rose,${uniqueEmail('page')},26110,Nyons\nPage${t},Lys,faux,26110,Nyons\n`;
    const upload = await staff.request('POST', `/participants/imports?_csrf=${staff.csrfToken}`, {
      multipart: (() => {
        const f = new FormData();
        f.append('file', new Blob([csv], { type: 'text/csv' }), 'p.csv');
        return f;
      })(),
    });
    expect(upload.status).to.equal(303);
    const previewUrl = upload.headers.get('location')!;
    const preview = await staff.get(previewUrl);
    expect(preview.text)
      .to.include(`Page${t}`)
      .and.include('doit être une adresse e-mail valide')
      .and.include('id="valid-count">1<');
    const confirmed = await staff.postForm(`${previewUrl}/confirm`, {});
    expect(confirmed.status).to.equal(303);
    const list = await staff.get(`/participants?q=Page${t}`);
    expect(list.text).to.include('Rose').and.not.include('Lys');

    // The preview's column selects remap a column the names did not reveal.
    const remap = new FormData();
    remap.append('header_0', 'Famille');
    remap.append('col_0', 'lastName');
    remap.append('header_1', 'prénom');
    remap.append('col_1', 'firstName');
    remap.append('header_2', 'e-mail');
    remap.append('col_2', 'email');
    remap.append(
      'file',
      new Blob([`Famille;prénom;e-mail\nRemap${t};Iris;${uniqueEmail('remap')}\n`], { type: 'text/csv' }),
      'p.csv',
    );
    const remapped = await staff.request('POST', `/participants/imports?_csrf=${staff.csrfToken}`, {
      multipart: remap,
    });
    expect(remapped.status).to.equal(303);
    const remappedPreview = await staff.get(remapped.headers.get('location')!);
    expect(remappedPreview.text).to.include(`Remap${t}`).and.include('id="valid-count">1<');
  });
});

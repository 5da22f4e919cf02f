import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn, createParticipant } from '../helpers/factories.js';
import { pdfText } from '../helpers/documents.js';
import type { Client } from '../helpers/client.js';

async function getPdf(client: Client, path: string): Promise<{ status: number; type: string | null; bytes: Buffer }> {
  const res = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  return { status: res.status, type: res.headers.get('content-type'), bytes: Buffer.from(await res.arrayBuffer()) };
}

describe('consents: printable form', () => {
  it('when the form is printed for Nguyễn Thị Ánh, then the PDF holds her name, reference, every active purpose and how to withdraw', async () => {
    const staff = await signedIn('staff');
    const participant = await createParticipant({ firstName: 'Thị Ánh', lastName: 'Nguyễn' });
    const pdf = await getPdf(staff, `/api/participants/${participant.id}/consent-form`);
    expect(pdf.status).to.equal(200);
    expect(pdf.type).to.equal('application/pdf');
    const text = pdfText(pdf.bytes);
    expect(text).to.include('Nguyễn').and.include('Thị Ánh').and.include(participant.reference);
    const purposes = (await staff.get('/api/consent-purposes')).body.items.filter((p: { active: boolean }) => p.active);
    expect(purposes.length).to.be.greaterThan(4);
    for (const p of purposes) expect(text, p.code).to.include(p.label);
    expect(text.match(/☐ Oui/g)).to.have.length(purposes.length);
    expect(text)
      .to.include('Changer d’avis')
      .and.include('Signature de la personne')
      .and.include('Département de la Drôme');
    expect(text).to.include('dpo@departement.example');
  });

  it('when a blank form is printed, then it has empty identity lines; a participant that does not exist is a 404', async () => {
    const lead = await signedIn('project_lead');
    const blank = await getPdf(lead, '/api/consent-form');
    expect(blank.status).to.equal(200);
    expect(pdfText(blank.bytes)).to.include('Prénom').and.include('représentant légal');
    expect((await lead.get('/api/participants/00000000-0000-4000-8000-000000000000/consent-form')).status).to.equal(
      403,
    );
    const staff = await signedIn('staff');
    expect((await staff.get('/api/participants/00000000-0000-4000-8000-000000000000/consent-form')).status).to.equal(
      404,
    );
  });
});

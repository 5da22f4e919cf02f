import { expect } from 'chai';
import { ctx, testConfig } from '../helpers/context.js';
import { pdfText } from '../helpers/documents.js';
import { TestSmtp } from '../helpers/smtp.js';
import { createMailer, deliverDueEmails } from '../../server/notifications/index.js';
import { attendedSession, MILEAGE } from './helpers.js';

async function pdfOf(client: { cookies: Map<string, string> }, path: string) {
  const res = await fetch(`${ctx().baseUrl}${path}`, {
    headers: { cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });
  expect(res.status).to.equal(200);
  expect(res.headers.get('content-type')).to.include('application/pdf');
  return pdfText(Buffer.from(await res.arrayBuffer()));
}

describe('claims: documents and messages', () => {
  it('when a claim is partly refused, then the letter shows each line, the reason and how to contest, and the e-mail arrives', async function () {
    this.timeout(30_000);
    const { staff, lead, sessionId, person } = await attendedSession();
    const c = await staff.post('/api/claims', {
      participantId: person.id,
      sessionIds: [sessionId],
      lines: [MILEAGE, { kind: 'meal' }],
      submit: true,
    });
    expect(c.status, c.text).to.equal(201);
    const d = await lead.post(`/api/claims/${c.body.id}/decision`, {
      lines: c.body.lines.map((l: { id: string; eligibleCents: number }, i: number) =>
        i === 0
          ? { lineId: l.id, grantedCents: 1000, reasonCode: 'over_cap' }
          : { lineId: l.id, grantedCents: l.eligibleCents },
      ),
    });
    expect(d.status, d.text).to.equal(200);
    const text = await pdfOf(staff, `/api/claims/${c.body.id}/decision-letter`);
    expect(text).to.include(c.body.reference).and.include('Voiture').and.include('13,44 €').and.include('10,00 €');
    expect(text)
      .to.include('dépasse le plafond')
      .and.include('recours gracieux')
      .and.include('2 mois')
      .and.include('tribunal administratif');
    const form = await pdfOf(staff, `/api/sessions/${sessionId}/claim-form?participantId=${person.id}`);
    expect(form)
      .to.include(person.last_name)
      .and.include('Atelier remboursements')
      .and.include('km')
      .and.include('signature');
    const smtp = await new TestSmtp().start();
    const mailer = createMailer(testConfig({ SMTP_HOST: '127.0.0.1', SMTP_PORT: String(smtp.port) }));
    try {
      for (let i = 0; i < 10; i++) await deliverDueEmails(ctx().deps, mailer.send, 200);
    } finally {
      mailer.close();
      await smtp.stop();
    }
    const mail = smtp.received.find((m) =>
      m.subject?.includes(`Décision sur votre demande de remboursement ${c.body.reference}`),
    );
    expect(mail, 'decision e-mail').to.not.equal(undefined);
    expect(mail!.text).to.include('recours gracieux');
  });

  it('when the claim pages are opened, then the queue, the entry form, the detail and the participant tab answer', async () => {
    const { staff, sessionId, person } = await attendedSession();
    const c = await staff.post('/api/claims', { participantId: person.id, sessionIds: [sessionId], lines: [MILEAGE] });
    for (const path of [
      '/claims',
      '/claims?status=draft&sort=-amount',
      '/claims/new',
      `/claims/new?q=${encodeURIComponent(person.last_name)}`,
      `/claims/${c.body.id}`,
      '/claims/advances',
      `/participants/${person.id}/claims`,
    ]) {
      const r = await staff.get(path);
      expect(r.status, `${path}: ${r.text.slice(0, 300)}`).to.equal(200);
    }
    // The entry form finds the person by their name in capitals, first name first, or by reference.
    for (const q of [`${person.first_name} ${person.last_name}`.toUpperCase(), person.reference.toLowerCase()]) {
      const r = await staff.get(`/claims/new?q=${encodeURIComponent(q)}`);
      expect(r.text, q).to.include(`value="${person.id}"`);
    }
    const entry = await staff.postForm('/claims/new', {
      participantId: person.id,
      sessionId,
      kind: 'mileage',
      km: '42',
      fiscalPower: 'cv_5_or_less',
      travelDate: '',
      amount: '',
      hours: '',
      action: 'add',
    });
    expect(entry.status).to.equal(200);
    expect(entry.text).to.include('Ligne 2');
  });
});

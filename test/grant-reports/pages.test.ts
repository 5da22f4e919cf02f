import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import { signedIn } from '../helpers/factories.js';
import { grantScenario, type GrantScenario } from './helpers.js';

describe('grant report pages', () => {
  let s: GrantScenario;
  before(async () => {
    s = await grantScenario();
  });

  it('when finance opens the grant dashboard, then charts come with their data tables and every amount links to its expenses', async () => {
    const finance = await signedIn('finance');
    const r = await finance.get(`/grants/${s.g1.id}/dashboard`);
    expect(r.status, r.text).to.equal(200);
    expect(r.text)
      .to.include('<h1>Budget de la subvention')
      .and.include('role="img"')
      .and.include('aria-label="Engagé par catégorie, trait rouge : prévu')
      .and.include('<caption>Prévu, engagé et réalisé par catégorie (données du graphique)</caption>')
      .and.include('318,60 €')
      .and.include('Transports en commun et taxis 2025')
      .and.include(`href="/expenses?grantId=${s.g1.id}&amp;status=actual"`)
      .and.include('Reste à engager')
      .and.include('href="/grants/' + s.g1.id + '/exports"')
      .and.not.include('Votre accès d’auditeur');
    const lead = await signedIn('project_lead');
    const page = await lead.get(`/grants/${s.g1.id}/dashboard`);
    expect(page.status).to.equal(200);
    expect(page.text).not.to.include('Documents pour le financeur');
    expect((await lead.get(`/grants/${s.g1.id}/exports`)).status).to.equal(403);
  });

  it('when finance explains the gaps and creates a drawdown from the pages, then both are saved, confirmed first, and a double submit creates one drawdown', async () => {
    const finance = await signedIn('finance');
    const exportsPage = await finance.get(`/grants/${s.g1.id}/exports?year=2026`);
    expect(exportsPage.status).to.equal(200);
    expect(exportsPage.text)
      .to.include('name="note_catering"')
      .and.include('Télécharger l’état (PDF)')
      .and.include(`/api/grants/${s.g1.id}/financial-report?year=2026&amp;format=pdf`);
    const saved = await finance.postForm(`/grants/${s.g1.id}/financial-report/notes`, {
      year: '2026',
      note_catering: 'Traiteur reporté en 2027',
      note_transport: '',
    });
    expect(saved.status).to.equal(303);
    const notes = await ctx()
      .deps.db('grant_report_notes')
      .where({ grant_id: s.g1.id, year: 2026 })
      .select('category', 'explanation');
    expect(notes).to.deep.equal([{ category: 'catering', explanation: 'Traiteur reporté en 2027' }]);

    const confirm = await finance.get(`/grants/${s.g1.id}/drawdowns/new?from=2025-01-01&to=2026-12-31`);
    expect(confirm.status).to.equal(200);
    expect(confirm.text).to.include('Créer la demande de versement ?').and.include('318,60 €').and.include('124,00 €');
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(confirm.text)![1];
    const form = { from: '2025-01-01', to: '2026-12-31', idempotencyKey: key };
    const first = await finance.postForm(`/grants/${s.g1.id}/drawdowns`, form);
    const again = await finance.postForm(`/grants/${s.g1.id}/drawdowns`, form);
    expect([first.status, again.status]).to.deep.equal([303, 303]);
    const drawdowns = await ctx().deps.db('drawdowns').where({ grant_id: s.g1.id }).select('number', 'requested_cents');
    expect(drawdowns).to.deep.equal([{ number: 1, requested_cents: 12400 }]);
    const after = await finance.get(`/grants/${s.g1.id}/exports`);
    expect(after.text)
      .to.include('La demande de versement a été créée.')
      .and.include('124,00 €')
      .and.include('/document.pdf');
  });
});

import { expect } from 'chai';
import { signedIn } from '../helpers/factories.js';

describe('demo logistics', () => {
  it('when the demo is loaded, then the Drôme project has its lead, budget, targets, venues and past and future sessions', async () => {
    const staff = await signedIn('staff');
    const projects = await staff.get(
      `/api/projects?q=${encodeURIComponent('Refonte du guide des aides aux familles')}`,
    );
    expect(projects.body.items).to.have.length(1);
    const project = projects.body.items[0];
    expect(project).to.include({
      participationLevel: 'co_construction',
      leadName: 'Karim Benali',
      allowanceEnabled: true,
    });
    expect(project.plannedTotalCents).to.be.greaterThan(0);
    expect(project.targets.length).to.be.greaterThan(0);
    const past = await staff.get(`/api/sessions?projectId=${project.id}&when=past`);
    const upcoming = await staff.get(`/api/sessions?projectId=${project.id}&when=upcoming`);
    expect(past.body.items.map((s: { status: string }) => s.status)).to.deep.equal(['held', 'held']);
    expect(
      upcoming.body.items.every((s: { booking: { status: string } }) => s.booking.status === 'confirmed'),
    ).to.equal(true);
    const die = await staff.get('/api/venues?commune=26113');
    expect(die.body.items.some((v: { stepFreeAccess: boolean }) => !v.stepFreeAccess)).to.equal(true);
    const dashboard = await staff.get(`/api/projects/${project.id}/dashboard`);
    expect(dashboard.body.venueCosts.committedCents).to.be.greaterThan(0);
  });
});

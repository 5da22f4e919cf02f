import type { Deps } from '../shared/deps.js';
import { addDays, localToInstant, toLocal } from '../shared/dates.js';
import { venueCost } from '../shared/halfdays.js';
import { inTransaction } from '../shared/db.js';
import { recordAudit } from '../audit/index.js';
import { venueSearchText } from '../venues/index.js';
import { demoSystem } from './acting.js';

const VENUES = [
  {
    name: 'Maison des solidarités de Valence',
    address: '33 avenue de Romans',
    postal_code: '26000',
    commune_insee: '26362',
    commune_name: 'Valence',
    capacity: 40,
    step_free_access: true,
    accessible_toilets: true,
    hearing_loop: true,
    pmr_parking: true,
    childcare_space: true,
    transport_access: 'Bus Citéa lignes 1 et 4, arrêt « Romans ». Gare de Valence-Ville à 10 minutes à pied.',
    cost_mode: 'free',
    cost_cents: 0,
    contact_name: 'Accueil de la MDS',
    contact_phone: '04 75 79 26 00',
  },
  {
    name: 'Centre social Le Polygone',
    address: '12 rue Henri Dunant',
    postal_code: '26000',
    commune_insee: '26362',
    commune_name: 'Valence',
    capacity: 25,
    step_free_access: true,
    accessible_toilets: true,
    hearing_loop: false,
    pmr_parking: false,
    childcare_space: true,
    transport_access: 'Bus Citéa ligne 2, arrêt « Polygone ».',
    cost_mode: 'free',
    cost_cents: 0,
    contact_name: 'Direction du centre social',
    contact_phone: '04 75 55 12 12',
  },
  {
    name: 'Salle des fêtes de Crest',
    address: 'Place du Champ de Mars',
    postal_code: '26400',
    commune_insee: '26108',
    commune_name: 'Crest',
    capacity: 80,
    step_free_access: true,
    accessible_toilets: true,
    hearing_loop: false,
    pmr_parking: true,
    childcare_space: false,
    transport_access: 'Car régional ligne 28 Valence–Crest, arrêt « Crest centre ».',
    cost_mode: 'half_day',
    cost_cents: 6000,
    contact_name: 'Mairie de Crest',
    contact_phone: '04 75 76 61 38',
  },
  {
    name: 'Maison des associations de Die',
    address: '2 rue du Viaduc',
    postal_code: '26150',
    commune_insee: '26113',
    commune_name: 'Die',
    capacity: 20,
    step_free_access: false,
    accessible_toilets: false,
    hearing_loop: false,
    pmr_parking: false,
    childcare_space: false,
    transport_access: 'Gare de Die (TER Valence–Briançon) à 5 minutes à pied. Salle à l’étage, sans ascenseur.',
    cost_mode: 'free',
    cost_cents: 0,
    contact_name: 'Vie associative',
    contact_phone: '04 75 22 03 03',
  },
  {
    name: 'Espace Cordeliers, Romans-sur-Isère',
    address: '1 place Jules Nadi',
    postal_code: '26100',
    commune_insee: '26281',
    commune_name: 'Romans-sur-Isère',
    capacity: 60,
    step_free_access: true,
    accessible_toilets: true,
    hearing_loop: true,
    pmr_parking: true,
    childcare_space: false,
    transport_access: 'Bus Citéa ligne 5, arrêt « Jacquemart ».',
    cost_mode: 'day',
    cost_cents: 15000,
    contact_name: 'Service des salles',
    contact_phone: '04 75 05 51 51',
  },
] as const;

/**
 * Demo logistics: a co-construction project led by Karim Benali, five venues of the Drôme
 * (one without step-free access), two past sessions held with attendance and two future ones
 * with confirmed bookings and invitations. People come from earlier demo steps; without any,
 * sessions have no invitations.
 */
export async function demoLogistics(deps: Deps, staff: Record<string, string>): Promise<void> {
  const acting = await demoSystem(deps);
  const tz = (await acting.settings()).timeZone;
  const today = toLocal(acting.now, tz).date;
  const at = (days: number, time: string) => localToInstant(addDays(today, days), time, tz);
  await inTransaction(deps.db, async (trx) => {
    const lead = staff['karim.benali@departement.example'] ?? null;
    const clerk = staff['claire.martin@departement.example'] ?? null;
    const [project] = await trx('projects')
      .insert({
        name: 'Refonte du guide des aides aux familles',
        description:
          'Réécrire avec les familles concernées le guide des aides départementales (RSA, aide sociale à l’enfance, aides aux vacances), pour qu’il soit compris du premier coup.',
        participation_level: 'co_construction',
        lead_user_id: lead,
        starts_on: addDays(today, -90),
        ends_on: addDays(today, 180),
        allowance_enabled: true,
        allowance_half_day_cents: 4302,
        created_by: lead,
      })
      .returning('id');
    await trx('project_budget').insert(
      Object.entries({
        transport: 150000,
        mileage: 80000,
        childcare: 120000,
        meals: 40000,
        allowances: 200000,
        venue: 60000,
        catering: 50000,
        facilitation: 300000,
        printing: 30000,
      }).map(([category, planned_cents]) => ({ project_id: project.id, category, planned_cents })),
    );
    await trx('project_targets').insert([
      { project_id: project.id, dimension: 'household', value: 'single_parent', percent: 30 },
      { project_id: project.id, dimension: 'age_band', value: '16-24', percent: 15 },
      { project_id: project.id, dimension: 'age_band', value: '25-29', percent: 10 },
      { project_id: project.id, dimension: 'activity', value: 'in_work', percent: 40 },
    ]);
    const venues = await trx('venues')
      .insert(VENUES.map((v) => ({ ...v, search_text: venueSearchText(v), created_by: clerk })))
      .returning(['id', 'cost_mode', 'cost_cents']);

    const plan = [
      {
        title: 'Atelier 1 : ce qui bloque dans le guide actuel',
        days: -60,
        start: '14:00',
        end: '16:30',
        venue: 0,
        status: 'held',
      },
      {
        title: 'Atelier 2 : réécrire les fiches RSA',
        days: -30,
        start: '09:30',
        end: '16:00',
        venue: 2,
        status: 'held',
        meal: true,
      },
      {
        title: 'Atelier 3 : tester la nouvelle maquette',
        days: 14,
        start: '14:00',
        end: '16:30',
        venue: 1,
        status: 'scheduled',
        childcare: true,
      },
      { title: 'Comité de relecture', days: 35, start: '10:00', end: '12:00', venue: 4, status: 'scheduled' },
    ];
    const people: { id: string }[] = await trx('participants')
      .where('status', 'active')
      .orderBy('created_at')
      .limit(12)
      .select('id');
    for (const [i, p] of plan.entries()) {
      const start = at(p.days, p.start);
      const end = at(p.days, p.end);
      const [session] = await trx('sessions')
        .insert({
          project_id: project.id,
          title: p.title,
          kind: i === 3 ? 'committee' : 'workshop',
          starts_at: start,
          ends_at: end,
          status: p.status,
          capacity: 15,
          meal_provided: p.meal ?? false,
          childcare_on_site: p.childcare ?? false,
          created_by: lead,
        })
        .returning('id');
      const v = venues[p.venue];
      await trx('bookings').insert({
        venue_id: v.id,
        session_id: session.id,
        during: trx.raw("tstzrange(?, ?, '[)')", [start, end]),
        status: 'confirmed',
        cost_cents: venueCost(v.cost_mode, v.cost_cents, start, end, tz),
        confirmed_at: acting.now,
        created_by: clerk,
      });
      const invited = people.slice(0, i < 2 ? 10 : 8);
      const invitedAt = new Date(start.getTime() - 21 * 86_400_000);
      for (const [k, person] of invited.entries()) {
        const status =
          p.status === 'held'
            ? k < (i === 0 ? 8 : 6)
              ? 'attended'
              : k % 2
                ? 'absent_excused'
                : 'absent'
            : k % 4 === 3
              ? 'declined'
              : k % 2
                ? 'confirmed'
                : 'invited';
        await trx('session_participants').insert({
          session_id: session.id,
          participant_id: person.id,
          status,
          invited_at: invitedAt,
          replied_at: status === 'invited' ? null : invitedAt,
          attendance_recorded_at: p.status === 'held' ? end : null,
        });
      }
    }
    await recordAudit(trx, acting, {
      action: 'demo.logistics_loaded',
      reasonCode: 'demo',
      data: { projectId: project.id, venues: venues.length, participants: people.length },
    });
  });
}

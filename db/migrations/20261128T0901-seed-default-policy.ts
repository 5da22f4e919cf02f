import type { Knex } from 'knex';

// The organisation's first reimbursement policy, with the national civil-service rates
// (docs/domain.md#reimbursement-rates): mileage by the arrêté of 14 March 2022, meals by the arrêté of 20
// September 2023. Numbers are written out here (not imported) so that this migration stays
// what it was when it ran. Amounts in cents, mileage in cents per km.
const EFFECTIVE_FROM = '2022-03-14';
const RATES = {
  mileageCentsPerKm: { cv_5_or_less: [32, 40, 23], cv_6_7: [41, 51, 30], cv_8_or_more: [45, 55, 32] },
  motorbikeCentsPerKm: 15,
  mopedCentsPerKm: 12,
  mealFlatCents: 2000,
  nightCapCents: { standard: 9000, big_city: 12000, paris: 14000 },
  nightReducedMobilityCapCents: 15000,
  childcareHourlyCapCents: 1800,
  receiptThresholdCents: 1500,
  allowanceHalfDayCents: null,
};

export async function up(knex: Knex): Promise<void> {
  await knex('reimbursement_policies').insert({
    project_id: null,
    effective_from: EFFECTIVE_FROM,
    rates: JSON.stringify(RATES),
    created_by: null,
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex('reimbursement_policies').whereNull('project_id').where('effective_from', EFFECTIVE_FROM).delete();
}

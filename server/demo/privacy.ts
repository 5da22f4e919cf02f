import type { DemoStep } from './load-demo.js';
import { recordPrivacyRequest } from '../privacy/index.js';
import { completePrivacyRequest } from '../privacy/requests.js';
import { addDays, localDay } from '../shared/dates.js';
import { inTransaction } from '../shared/db.js';
import { searchColumns } from '../participants/index.js';
import { demoStaff, demoSystem } from './acting.js';

const DPO_EMAIL = 'jean-marc.rousseau@departement.example';

/**
 * Privacy demo data: two requests on existing demo participants (one open near its
 * deadline, one completed) and one person whose last contact is three years old, so that
 * the DPO dashboard and the retention preview show something.
 */
export const demoPrivacy: DemoStep = async (deps, staff) => {
  const dpoId = staff[DPO_EMAIL];
  const dpo = dpoId ? await demoStaff(deps, dpoId, ['dpo']) : await demoSystem(deps);
  const settings = await dpo.settings();
  const today = localDay(dpo.now, settings.timeZone);
  const people = await deps.db('participants').where({ status: 'active' }).orderBy('reference').limit(2).select('id');
  if (people.length) {
    await recordPrivacyRequest(deps, dpo, {
      participantId: people[0].id,
      kind: 'access',
      channel: 'mail',
      receivedOn: addDays(today, -26),
      note: 'Courrier reçu : la personne souhaite une copie des informations la concernant.',
    });
    const done = await recordPrivacyRequest(deps, dpo, {
      participantId: people[people.length - 1].id,
      kind: 'rectification',
      channel: 'phone',
      receivedOn: addDays(today, -40),
      note: 'Nouveau numéro de téléphone communiqué par téléphone.',
    });
    await completePrivacyRequest(deps, dpo, {
      id: done.id,
      outcomeCode: 'rectified',
      outcomeNote: 'Numéro corrigé dans le dossier.',
    });
  }
  const threeYearsAgo = new Date(dpo.now);
  threeYearsAgo.setUTCFullYear(threeYearsAgo.getUTCFullYear() - 3);
  const staffId = staff['claire.martin@departement.example'] ?? null;
  await inTransaction(deps.db, async (trx) => {
    const [person] = await trx('participants')
      .insert({
        first_name: 'Lucien',
        last_name: 'Marchetti',
        ...searchColumns({ first_name: 'Lucien', last_name: 'Marchetti' }),
        preferred_channel: 'letter',
        address_line1: '4 impasse des Tanneurs',
        postal_code: '26400',
        commune_insee: '26108',
        commune_name: 'Crest',
        last_contact_at: threeYearsAgo,
        created_at: threeYearsAgo,
        updated_at: threeYearsAgo,
        created_by: staffId,
      })
      .returning('id');
    await trx('consents').insert({
      participant_id: person.id,
      purpose_code: 'contact',
      legal_basis: 'consent',
      text_version: 1,
      channel: 'paper',
      given_on: localDay(threeYearsAgo, settings.timeZone),
      recorded_by: staffId,
      created_at: threeYearsAgo,
    });
  });
};

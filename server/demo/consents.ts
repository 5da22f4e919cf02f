import { composeIBAN } from 'ibantools';
import type { Deps } from '../shared/deps.js';
import { isValidIban } from '../shared/validators.js';
import { recordConsent, withdrawConsent } from '../consents/index.js';
import { localDay } from '../shared/dates.js';
import { createPayee } from '../payees/index.js';
import type { DemoStep } from './load-demo.js';
import { demoStaff, demoSystem } from './acting.js';

const WITNESS_EMAIL = 'claire.martin@departement.example';

/** A valid French IBAN for a demo BBAN: the RIB key, then the ISO 13616 check digits (mod 97). */
export function frenchIban(bank: string, branch: string, account: string): string {
  const digits = account
    .toUpperCase()
    .replace(/[A-Z]/g, (c) => String('123456789123456789234567890'[c.charCodeAt(0) - 65]));
  const key = 97 - ((89 * Number(bank) + 15 * Number(branch) + 3 * Number(digits)) % 97);
  const iban = composeIBAN({ countryCode: 'FR', bban: `${bank}${branch}${account}${String(key).padStart(2, '0')}` });
  if (!iban || !isValidIban(iban)) throw new Error('demo IBAN generation failed');
  return iban;
}

const BANKS = [
  ['30004', '00820'],
  ['20041', '01007'],
  ['30003', '01234'],
  ['10278', '08900'],
  ['30002', '00550'],
  ['16006', '21011'],
];

/** The n-th demo IBAN (deterministic, so that the demo looks the same on every machine). */
export function demoIban(n: number): string {
  const [bank, branch] = BANKS[n % BANKS.length];
  return frenchIban(bank, branch, String(48_213_700_000 + n * 7_919).padStart(11, '0'));
}

function daysBefore(today: string, days: number): string {
  const d = new Date(`${today}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - days);
  return d.toISOString().slice(0, 10);
}

/**
 * Contact consents for every given participant (paper, oral witnessed by the demo staff member,
 * online), bank-details consents and payees for about half of them — one with a childcare
 * provider, one IBAN shared by two people (to show the warning) — and one withdrawn consent.
 * A purpose that already has a consent is left alone.
 */
export async function seedConsentsAndPayees(
  deps: Deps,
  staff: Record<string, string>,
  participantIds: string[],
): Promise<void> {
  const witness = staff[WITNESS_EMAIL];
  // One Acting per person, as one request each through the API (their own clock reading).
  const act = () => (witness ? demoStaff(deps, witness, ['staff']) : demoSystem(deps));
  let acting = await act();
  const today = localDay(acting.now, (await acting.settings()).timeZone);
  const taken = async (participantId: string, purposeCode: string) =>
    !!(await deps
      .db('consents')
      .where({ participant_id: participantId, purpose_code: purposeCode })
      .whereNull('withdrawn_on')
      .whereNull('superseded_by')
      .first('id'));
  const channels = witness ? (['paper', 'oral', 'online'] as const) : (['paper', 'online'] as const);

  for (const [i, id] of participantIds.entries()) {
    acting = await act();
    const givenOn = daysBefore(today, 12 + ((i * 37) % 240));
    if (!(await taken(id, 'contact'))) {
      const channel = channels[i % channels.length];
      await recordConsent(deps, acting, {
        participantId: id,
        consent: {
          purposeCode: 'contact',
          channel,
          givenOn,
          ...(channel === 'oral' ? { witnessUserId: witness } : {}),
        },
      });
    }
    if (i % 2 === 0) {
      if (!(await taken(id, 'bank_details')))
        await recordConsent(deps, acting, {
          participantId: id,
          consent: { purposeCode: 'bank_details', channel: 'paper', givenOn },
        });
      const hasPayee = await deps.db('payees').where({ participant_id: id }).first('id');
      if (!hasPayee) {
        // The fifth person shares the first one's account (a couple): the page shows the warning.
        const iban = i === 4 ? demoIban(0) : demoIban(i);
        await createPayee(deps, acting, { participantId: id, payee: { kind: 'participant', iban } });
        if (i === 2)
          await createPayee(deps, acting, {
            participantId: id,
            payee: {
              kind: 'childcare_provider',
              name: 'Micro-crèche Les Petits Pas',
              iban: demoIban(100),
              bic: 'AGRIFRPP',
            },
          });
      }
    }
  }

  const withdrawing = participantIds[1] ?? participantIds[0];
  if (
    withdrawing &&
    !(await deps.db('consents').where({ participant_id: withdrawing, purpose_code: 'media' }).first('id'))
  ) {
    const { consent } = await recordConsent(deps, acting, {
      participantId: withdrawing,
      consent: { purposeCode: 'media', channel: 'paper', givenOn: daysBefore(today, 60) },
    });
    await withdrawConsent(deps, acting, {
      participantId: withdrawing,
      consentId: consent.id,
      withdrawal: { withdrawnOn: daysBefore(today, 20), channel: 'phone' },
    });
  }
}

/** Demo step: consents and payees for the demo participants inserted by the steps before it. */
export const demoConsents: DemoStep = async (deps, staff) => {
  const rows = await deps
    .db('participants')
    .where({ status: 'active' })
    .whereNull('merged_into_id')
    .orderBy('reference')
    .select('id');
  await seedConsentsAndPayees(
    deps,
    staff,
    rows.map((r: { id: string }) => r.id),
  );
};

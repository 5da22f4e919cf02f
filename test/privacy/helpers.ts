import { randomBytes } from 'node:crypto';
import { expect } from 'chai';
import { ctx } from '../helpers/context.js';
import type { Client } from '../helpers/client.js';
import { createParticipant, createPartner, uniqueEmail } from '../helpers/factories.js';
import { REGISTRY } from '../../server/privacy/registry/registry.js';
import { rowScopes } from '../../server/privacy/registry/types.js';

/** Runs `fn` with the app's clock set to `at`, and always puts the real clock back. */
export async function atClock<T>(at: Date, fn: () => Promise<T>): Promise<T> {
  ctx().clock.now = at;
  try {
    return await fn();
  } finally {
    ctx().clock.now = null;
  }
}

export const years = (from: Date, n: number, days = 0) => {
  const d = new Date(from);
  d.setUTCFullYear(d.getUTCFullYear() + n);
  d.setUTCDate(d.getUTCDate() + days);
  return d;
};

/** A valid French IBAN built from random digits (the key is computed, so validators accept it). */
export function randomFrenchIban(): string {
  const bban = `30006${String(randomBytes(4).readUInt32BE()).padStart(5, '0').slice(0, 5)}${String(randomBytes(6).readUIntBE(0, 6)).padStart(11, '0').slice(0, 11)}${String((randomBytes(1)[0] % 90) + 10)}`;
  const numeric = `${bban}152700`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  const check = 98n - (BigInt(numeric) % 97n);
  return `FR${String(check).padStart(2, '0')}${bban}`;
}

/**
 * A person with every kind of personal data the schema holds today: identity, contact,
 * guardian, needs, profile, a partner, a payee with an encrypted IBAN, a consent with an
 * evidence file that quotes the name, and a request whose note quotes the name.
 * `needles` are the values that must disappear at anonymisation.
 */
export async function createFullPerson(options: { lastContactAt?: Date } = {}) {
  const db = ctx().deps.db;
  const keyring = ctx().deps.keyring;
  const tag = randomBytes(3).toString('hex');
  const partner = await createPartner();
  const p = await createParticipant({
    firstName: `Maëlys${tag}`,
    lastName: `Nguyễn${tag}`,
    partnerId: partner.id,
    needs: ['step_free_access', 'childcare'],
  });
  const phone = `06${String(randomBytes(4).readUInt32BE()).padStart(8, '0').slice(0, 8)}`;
  const guardian = `Tuteur${tag}`;
  const at = options.lastContactAt ?? new Date();
  await db('participants')
    .where({ id: p.id })
    .update({
      civility: 'mme',
      phone,
      address_line1: `12 rue ${tag}`,
      is_minor: true,
      guardian_name: guardian,
      guardian_email: uniqueEmail('guardian'),
      guardian_phone: phone,
      guardian_consent_on: at.toISOString().slice(0, 10),
      needs_note: `Fauteuil ${tag}`,
      profile_age_band: '16-24',
      profile_activity: 'student',
      profile_household: 'single_parent',
      profile_commune_insee: '26362',
      last_contact_at: at,
      created_at: at,
    });
  const iban = randomFrenchIban();
  const encrypted = keyring.encrypt(iban);
  await db('payees').insert({
    participant_id: p.id,
    kind: 'participant',
    name: `${p.first_name} ${p.last_name}`,
    iban_ciphertext: encrypted.ciphertext,
    iban_key_id: encrypted.keyId,
    iban_hash: keyring.keyedHash(iban),
    iban_masked: `${iban.slice(0, 4)} •••• •••• ••${iban.slice(-4, -2)} ${iban.slice(-2)}`,
    bic: 'AGRIFRPP',
  });
  const evidence = Buffer.from(`%PDF-1.4\n% Consentement signé par ${p.first_name} ${p.last_name}\n%%EOF\n`);
  const [file] = await db('files')
    .insert({
      sha256: randomBytes(32).toString('hex'),
      media_type: 'application/pdf',
      size_bytes: evidence.length,
      content: evidence,
      original_name: `consentement-${p.last_name}.pdf`,
      purpose: 'consent_evidence',
    })
    .returning('id');
  const day = at.toISOString().slice(0, 10);
  await db('consents').insert([
    {
      participant_id: p.id,
      purpose_code: 'contact',
      legal_basis: 'consent',
      text_version: 1,
      channel: 'paper',
      given_on: day,
      evidence_file_id: file.id,
    },
    {
      participant_id: p.id,
      purpose_code: 'needs',
      legal_basis: 'consent',
      text_version: 1,
      channel: 'paper',
      given_on: day,
    },
  ]);
  const [request] = await db('privacy_requests')
    .insert({
      participant_id: p.id,
      kind: 'access',
      received_on: day,
      channel: 'mail',
      due_on: day,
      requester_note: `Lettre de ${p.first_name} ${p.last_name}, tél. ${phone}`,
    })
    .returning('id');
  return {
    ...p,
    phone,
    iban,
    guardian,
    partnerId: partner.id,
    fileId: file.id,
    requestId: request.id as string,
    needles: [p.first_name, p.last_name, p.email!, phone, iban, guardian],
  };
}

/** Every declared personal column of every table whose value contains one of the needles (text, arrays, JSON, bytes). */
export async function findInPersonalColumns(needles: string[]): Promise<string[]> {
  const db = ctx().deps.db;
  const { rows: types } = await db.raw(
    "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public'",
  );
  const typeOf = new Map(
    (types as { table_name: string; column_name: string; data_type: string }[]).map((t) => [
      `${t.table_name}.${t.column_name}`,
      t.data_type,
    ]),
  );
  const found: string[] = [];
  // A column declared personal for one kind of rows (files.content of receipts) is searched in every row.
  const personalColumns = new Set(
    rowScopes(REGISTRY).flatMap((s) =>
      Object.entries(s.columns)
        .filter(([, c]) => c.personal)
        .map(([column]) => `${s.table}.${column}`),
    ),
  );
  for (const name of personalColumns) {
    const [table, column] = name.split('.');
    const type = typeOf.get(name);
    for (const needle of needles) {
      const where = type === 'bytea' ? "position(convert_to(?, 'UTF8') in ??) > 0" : '??::text ILIKE ?';
      const bindings = type === 'bytea' ? [needle, column] : [column, `%${needle}%`];
      const { rows } = await db.raw(`SELECT count(*) AS n FROM ?? WHERE ${where}`, [table, ...bindings]);
      if (Number(rows[0].n) > 0) found.push(name);
    }
  }
  return [...new Set(found)];
}

/** Polls a job until it is over. */
export async function waitForJob(client: Client, id: string) {
  for (let i = 0; i < 400; i++) {
    const r = await client.get(`/api/jobs/${id}`);
    expect(r.status).to.equal(200);
    if (r.body.status !== 'running' && r.body.status !== 'queued') return r.body;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('job did not finish');
}

/** Starts a retention run through the API and waits for its result. */
export async function runRetention(client: Client, mode: 'dry_run' | 'apply') {
  const r = await client.post('/api/privacy/retention/runs', { mode });
  expect(r.status, r.text).to.equal(202);
  const job = await waitForJob(client, r.body.id);
  expect(job.status).to.equal('completed');
  return { ...job.result, jobId: r.body.id as string } as {
    jobId: string;
    participants: { archive: number; anonymise: number };
    erased: Record<string, Record<string, Record<string, number>>>;
  };
}

export async function participantRow(id: string) {
  return ctx().deps.db('participants').where({ id }).first();
}

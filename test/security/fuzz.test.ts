import { expect } from 'chai';
import fc from 'fast-check';
import type { TSchema } from '@sinclair/typebox';
import { ajv } from '../../server/shared/validate.js';
import { ROLES } from '../../server/shared/authorize.js';
import { ctx } from '../helpers/context.js';
import { createParticipant, signedIn } from '../helpers/factories.js';
import { concretePath, declaredRoutes, rowCounts } from '../helpers/routes.js';
import type { Client, Reply } from '../helpers/client.js';

/** Values people and scripts send that no field should accept blindly. */
const HUGE = 'x'.repeat(100_000);
const nastyString = fc.constantFrom(
  '',
  ' ',
  '\uD800',
  '\uDFFF',
  '\u202Eevil',
  '\u0000',
  'e\u0301',
  '👩‍👩‍👧‍👦',
  '\uFEFF',
  'ﬀ',
  'İ',
  '\t\n\r',
  '=1+1',
  '+33 6',
  '-2',
  '@SUM(A1)',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '%00',
  '${7*7}',
  '{{7*7}}',
  '2026-02-30',
  '2026-13-01',
  '26/03/2026',
  '2026-10-25T02:30:00',
  '2026-03-29T02:30:00',
  '2026-10-25T02:30',
  '0000-00-00',
  '2026-06-31T12:00:00+02:00',
  '12,50',
  '1e3',
  'NaN',
  'Infinity',
  '-0',
  '0x10',
  'FR76 0000',
  HUGE,
);
const nastyNumber = fc.oneof(
  fc.constantFrom(-1, 0.5, -0.01, 1e21, 2 ** 53 + 2, -(2 ** 31) - 1, 2 ** 31, 1e-7),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
);
const nasty: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: nastyNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { $gt: '' }, ['a', 1]) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 1, arbitrary: fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)) },
);

/** A body built on the route's own field names, each with a hostile value, sometimes with an extra field. */
function bodyFor(schema: TSchema): fc.Arbitrary<Record<string, unknown>> {
  const names = Object.keys((schema as { properties?: Record<string, unknown> }).properties ?? {});
  const known = names.length
    ? fc.record(Object.fromEntries(names.map((n) => [n, nasty])) as Record<string, fc.Arbitrary<unknown>>, {
        requiredKeys: [],
      })
    : fc.constant({});
  return fc
    .tuple(
      known,
      fc.option(fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), nasty, { maxKeys: 2 }), { nil: undefined }),
    )
    .map(([k, extra]) => ({ ...(extra ?? {}), ...k }));
}

const compiled = new Map<TSchema, ReturnType<typeof ajv.compile>>();
function schemaAccepts(schema: TSchema, body: unknown): boolean {
  let fn = compiled.get(schema);
  if (!fn) compiled.set(schema, (fn = ajv.compile(schema)));
  return fn(structuredClone(body)) as boolean;
}

/** A 4xx must say why: a code and a message, and for invalid input the fields at fault. */
function explains(res: Reply): string | null {
  if (res.status >= 500) return `answered ${res.status}`;
  if (res.status < 400) return null;
  const error = res.body?.error;
  if (!error?.code || !error?.message) return `answered ${res.status} without a code and a message`;
  if (
    res.status === 400 &&
    error.code === 'validation_failed' &&
    !(
      error.details?.length > 0 &&
      error.details.every((d: { field?: string }) => typeof d.field === 'string' && d.field)
    )
  ) {
    return 'answered 400 without naming the fields';
  }
  return null;
}

/** Routes whose valid-looking request would act on the whole database (they are probed with invalid bodies only). */
const NO_ACTION = new Set([
  'POST /api/privacy/retention/runs',
  'POST /api/auth/logout',
  'POST /api/outbox/test',
  'POST /api/auth/password',
]);

describe('fuzzing the write routes with generated hostile input @pg', function () {
  this.timeout(600_000);
  let client: Client;
  const writeRoutes = () =>
    declaredRoutes().filter(
      (r) => r.method !== 'get' && r.kind !== 'page' && r.body && !r.upload && !('public' in r.access),
    );

  before(async () => {
    client = await signedIn(...ROLES);
  });

  it('when ≥ 10,000 generated bad bodies hit every JSON write route, then none answers 5xx, each 4xx says why, and refused requests write nothing', async () => {
    const routes = writeRoutes();
    expect(routes.length).to.be.greaterThan(40);
    const runsPerRoute = Math.ceil(10_000 / routes.length);
    let sent = 0;
    let refusedBySchema = 0;
    const problems: string[] = [];
    for (const r of routes) {
      const key = `${r.method.toUpperCase()} ${r.path}`;
      const path = concretePath(r.path);
      const before = await rowCounts(['web_sessions', 'login_attempts']);
      let anyAccepted = false;
      await fc.assert(
        fc.asyncProperty(bodyFor(r.body!), async (body) => {
          const invalid = !schemaAccepts(r.body!, body);
          if (!invalid && NO_ACTION.has(key)) return true;
          const res = await client.request(r.method.toUpperCase(), path, { json: body });
          sent++;
          const why = explains(res);
          if (why) problems.push(`${key}: ${why} for ${JSON.stringify(body).slice(0, 200)}`);
          if (invalid) {
            refusedBySchema++;
            if (res.status !== 400 && res.status !== 413)
              problems.push(`${key}: schema-invalid body answered ${res.status}`);
          } else anyAccepted = true;
          return !why;
        }),
        { numRuns: runsPerRoute, seed: 20261126, endOnFailure: true },
      );
      if (!anyAccepted) {
        const after = await rowCounts(['web_sessions', 'login_attempts']);
        if (JSON.stringify(after) !== JSON.stringify(before))
          problems.push(`${key}: refused requests changed row counts`);
      }
    }
    expect(problems.slice(0, 20)).to.deep.equal([]);
    expect(sent).to.be.at.least(10_000);
    expect(refusedBySchema).to.be.greaterThan(8_000);
  });

  it('when page forms get hostile fields, then none answers 5xx', async () => {
    const pages = declaredRoutes().filter(
      (r) => r.kind === 'page' && r.method === 'post' && r.path.includes(':') && !/logout/.test(r.path),
    );
    expect(pages.length).to.be.greaterThan(20);
    const problems: string[] = [];
    for (const r of pages) {
      await fc.assert(
        fc.asyncProperty(
          fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), nastyString, { maxKeys: 4 }),
          async (form) => {
            const res = await client.request('POST', concretePath(r.path), {
              form: { ...form, _csrf: client.csrfToken ?? '' },
            });
            if (res.status >= 500) problems.push(`POST ${r.path}: ${res.status}`);
            return res.status < 500;
          },
        ),
        { numRuns: 10, seed: 20261126, endOnFailure: true },
      );
    }
    expect(problems).to.deep.equal([]);
  });

  describe('uploads', () => {
    const PDF = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');
    let participantId: string;

    before(async () => {
      // A person of its own: the generated bodies above may have changed the ones already there (a minor needs a guardian's consent…).
      participantId = (await createParticipant()).id;
    });

    async function filesCount() {
      const [{ n }] = await ctx().deps.db('files').count({ n: '*' });
      return Number(n);
    }

    const consentFields = { purposeCode: 'contact', channel: 'paper', givenOn: '2026-03-12' };

    it('when a document has the wrong magic bytes, is too big, or the multipart is odd, then 4xx and no file is stored', async () => {
      const path = `/api/participants/${participantId}/consents`;
      const before = await filesCount();
      const cases: { name: string; bytes?: Buffer; field?: string; fileName?: string }[] = [
        { name: 'text named .pdf', bytes: Buffer.from('hello, not a pdf'), fileName: 'scan.pdf' },
        { name: 'executable named .png', bytes: Buffer.from('MZ\x90\x00\x03'), fileName: 'photo.png' },
        { name: 'html named .jpg', bytes: Buffer.from('<html><script>alert(1)</script>'), fileName: 'x.jpg' },
        { name: 'empty file', bytes: Buffer.alloc(0), fileName: 'vide.pdf' },
        {
          name: 'oversized pdf',
          bytes: Buffer.concat([PDF, Buffer.alloc(11 * 1024 * 1024, 0x20)]),
          fileName: 'gros.pdf',
        },
        { name: 'file in an unexpected field', bytes: PDF, field: 'other', fileName: 'a.pdf' },
      ];
      for (const c of cases) {
        const res = await client.upload(
          'POST',
          path,
          { ...consentFields, purposeCode: 'NOPE-unknown' },
          c.bytes ? { field: c.field ?? 'evidence', name: c.fileName!, bytes: c.bytes } : undefined,
        );
        expect(res.status, c.name).to.be.within(400, 499);
        expect(explains(res), c.name).to.equal(null);
      }
      // The same odd files with otherwise valid fields.
      for (const c of cases.slice(0, 5)) {
        const res = await client.upload('POST', path, consentFields, {
          field: 'evidence',
          name: c.fileName!,
          bytes: c.bytes!,
        });
        expect(res.status, c.name).to.be.within(400, 499);
        expect(explains(res), c.name).to.equal(null);
      }
      expect(await filesCount()).to.equal(before);
    });

    it('when a file name has accents, then it is stored as typed (UTF-8), not garbled', async () => {
      const res = await client.upload('POST', `/api/participants/${participantId}/consents`, consentFields, {
        field: 'evidence',
        name: 'reçu de février – Œuvre.pdf',
        bytes: PDF,
      });
      expect(res.status).to.equal(201);
      const stored = await ctx()
        .deps.db('files')
        .where({ purpose: 'consent_evidence' })
        .orderBy('created_at', 'desc')
        .first('original_name');
      expect(stored.original_name).to.equal('reçu de février – Œuvre.pdf');
    });

    it('when a file name tries a path traversal, then the stored name keeps no path', async () => {
      const names = [
        '../../etc/passwd.pdf',
        '..\\..\\windows\\system32\\x.pdf',
        '/absolute/path.pdf',
        'C:\\temp\\a.pdf',
        '.hidden.pdf',
        'a\u0000b.pdf',
      ];
      for (const name of names) {
        const res = await client.upload(
          'POST',
          `/api/participants/${participantId}/consents`,
          { ...consentFields, purposeCode: 'NOPE-unknown' },
          { field: 'evidence', name, bytes: PDF },
        );
        expect(res.status, name).to.be.within(400, 499);
      }
      const stored = await ctx().deps.db('files').whereNotNull('original_name').pluck('original_name');
      for (const s of stored) expect(s).to.not.match(/[\\/\u0000]|^\./);
    });
  });
});

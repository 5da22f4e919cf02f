import net from 'node:net';
import { Readable } from 'node:stream';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';
import type { Deps } from '../shared/deps.js';
import { csvCell } from '../shared/csv.js';
import { COST_CATEGORY_LABELS } from '../settings/index.js';
import { statementQuery, statementTotalsQuery } from './repo.js';
import { StatementTotals, statementCsvHead, statementCsvTail } from './statement.js';

/**
 * The statement CSV on a PostgreSQL server: one `COPY (SELECT …) TO STDOUT` whose SELECT writes
 * each line exactly as `statementCsvLine` does (the bytes are compared in
 * test/grant-reports/statement-copy.test.ts), so that no row object is ever built in Node.
 *
 * Why binary COPY: a line ends with CRLF and may hold a quoted newline; text COPY escapes
 * `\r`, CSV COPY quotes any value holding one, and both end a row with a bare LF. A one-column
 * binary COPY gives each line's bytes verbatim behind a 6-byte header (`CopyBinaryText`).
 */

/** An SQL string literal for a text of ours (E'' form: independent of standard_conforming_strings). */
const literal = (text: string) => `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

// csvCell in SQL, for the rare text that needs it: neutralised (leading ') then quoted.
const FORMULA = String.raw`E'^[=+@\t\r-]'`;
const QUOTED = String.raw`E'[";,\r\n]'`; // CSV_QUOTED of shared/csv.ts
function cellSql(x: string): string {
  const neutral = `(CASE WHEN ${x} ~ ${FORMULA} THEN '''' || ${x} ELSE ${x} END)`;
  return `(CASE WHEN ${x} ~ ${QUOTED} THEN '"' || replace(${neutral}, '"', '""') || '"' ELSE ${neutral} END)`;
}

/**
 * `Catégorie;Ligne budgétaire`: the labels are ours, so each category's two cells are computed
 * here by csvCell and inlined. `Label YYYY` quotes and neutralises like `Label 0` (digits change
 * neither), hence the cell of any year is its prefix, the year, its suffix.
 */
function budgetLineCellsSql(category: string, year: string): string {
  const branches = Object.entries(COST_CATEGORY_LABELS).map(([code, label]) => {
    const sample = csvCell(`${label} 0`);
    const quoted = sample.endsWith('"');
    const prefix = sample.slice(0, quoted ? -2 : -1);
    return `WHEN ${literal(code)} THEN ${literal(`${csvCell(label)};${prefix}`)} || ${year}${quoted ? ` || '"'` : ''}`;
  });
  return `CASE ${category} ${branches.join(' ')} ELSE ${cellSql(category)} || ';' || ${cellSql(`(${category} || ' ' || ${year})`)} END`;
}

/**
 * The supporting document (evidenceOf): the hashes are hex (CHECK on files.sha256) and the
 * fixed texts are ours; only the invoice number is free text.
 */
const EVIDENCE = `CASE WHEN s.source = 'claim_line' THEN COALESCE('justificatif ' || NULLIF(s.receipt_sha256, ''), 'sans justificatif (barème)')
  ELSE COALESCE(NULLIF(s.invoice_number, ''), 'facture ' || NULLIF(s.invoice_sha256, ''), 'facture non saisie') END`;

// The four texts of a line that come from the database, and the free texts among them. One
// regular expression over the free texts (each behind a `|`) tells whether any needs
// neutralising or quoting; a false positive only costs the exact, slower branch.
const TEXTS = [
  's.expense_reference',
  "COALESCE(s.claim_reference, '')",
  `(${EVIDENCE})`,
  "COALESCE(s.participant_reference, '')",
];
const FREE_TEXTS = [
  's.expense_reference',
  "COALESCE(s.claim_reference, '')",
  "COALESCE(s.invoice_number, '')",
  "COALESCE(s.participant_reference, '')",
];
const NEEDS_CELL = String.raw`E'[";,\r\n]|\\|[=+@\t\r-]'`;

/** The line of a statement row `s` (the columns of repo.ts' statement query), CRLF included. */
const LINE_SQL = `to_char(s.paid_on, 'DD/MM/YYYY') || ';' || ${budgetLineCellsSql('s.category', 's.year')} || ';'
  || CASE WHEN ('|' || ${FREE_TEXTS.join(" || '|' || ")}) ~ ${NEEDS_CELL} THEN ${TEXTS.map(cellSql).join(" || ';' || ")} ELSE ${TEXTS.join(" || ';' || ")} END
  || ';' || (s.amount_cents / 100) || CASE WHEN s.amount_cents % 100 < 10 THEN ',0' ELSE ',' END || (s.amount_cents % 100) || E'\\r\\n'`;

/** The COPY statement of a statement's lines, in statementQuery's order (COPY takes no bind parameters: knex inlines the id and days). */
export function statementCopySql(deps: Deps, grantId: string, from: string, to: string): string {
  return `COPY (SELECT ${LINE_SQL} FROM (${statementQuery(deps.db, grantId, from, to).toQuery()}) s) TO STDOUT (FORMAT binary)`;
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const HEADER = 0;
const COUNT = 1;
const LENGTH = 2;
const DONE = 3;

/**
 * Strips the framing of a one-text-column binary COPY (a 19-byte header, then per row a field
 * count and a length, then a -1 count), returning the column's bytes row after row. Chunks may
 * split anything anywhere. In place: the bytes returned are the chunk's own, moved forward over
 * the framing (no new buffer per chunk: less garbage for a million lines).
 */
export class CopyBinaryText {
  private state = HEADER;
  private wanted = 19;
  private gathered = 0;
  private readonly head = Buffer.alloc(19);
  private fieldLeft = 0;

  get done(): boolean {
    return this.state === DONE;
  }

  push(chunk: Buffer): Buffer {
    const end = chunk.length;
    let o = 0;
    let i = 0;
    while (i < end) {
      if (this.fieldLeft > 0) {
        const n = Math.min(this.fieldLeft, end - i);
        if (o !== i) chunk.copy(chunk, o, i, i + n); // overlapping, forward: copy is memmove
        o += n;
        i += n;
        this.fieldLeft -= n;
        continue;
      }
      if (this.state === DONE) throw new Error('COPY data after its trailer');
      // Most rows: their whole 6-byte header is in this chunk.
      if (this.state === COUNT && this.gathered === 0 && end - i >= 6 && chunk.readInt16BE(i) === 1) {
        this.fieldLeft = this.fieldLength(chunk.readInt32BE(i + 2));
        i += 6;
        continue;
      }
      const n = Math.min(this.wanted - this.gathered, end - i);
      chunk.copy(this.head, this.gathered, i, i + n);
      this.gathered += n;
      i += n;
      if (this.gathered < this.wanted) break;
      this.gathered = 0;
      if (this.state === HEADER) {
        if (!this.head.subarray(0, 11).equals(SIGNATURE) || this.head.readUInt32BE(15) !== 0)
          throw new Error('unexpected COPY binary header');
        [this.state, this.wanted] = [COUNT, 2];
      } else if (this.state === COUNT) {
        const fields = this.head.readInt16BE(0);
        if (fields === -1) this.state = DONE;
        else if (fields !== 1) throw new Error('unexpected COPY binary row');
        else [this.state, this.wanted] = [LENGTH, 4];
      } else {
        this.fieldLeft = this.fieldLength(this.head.readInt32BE(0));
        [this.state, this.wanted] = [COUNT, 2];
      }
    }
    return chunk.subarray(0, o);
  }

  private fieldLength(length: number): number {
    if (length < 0) throw new Error('unexpected NULL line in COPY');
    return length;
  }
}

const copyReady = new WeakMap<object, Promise<boolean>>();

/**
 * Whether the statement CSV may come from COPY: on a PostgreSQL server whose encoding is UTF8
 * (or SQL_ASCII, which stores the UTF-8 the driver sends). Binary COPY sends text in the
 * server's encoding, unconverted; another encoding falls back to the cursor path, which the
 * driver converts. Asked once per database.
 */
export function copyPathAvailable(deps: Pick<Deps, 'db' | 'dbKind'>): Promise<boolean> {
  if (deps.dbKind !== 'server') return Promise.resolve(false);
  let ready = copyReady.get(deps.db);
  if (!ready) {
    ready = deps.db
      .raw('SHOW server_encoding')
      .then((r: { rows: { server_encoding: string }[] }) => ['UTF8', 'SQL_ASCII'].includes(r.rows[0].server_encoding));
    ready.catch(() => copyReady.delete(deps.db));
    copyReady.set(deps.db, ready);
  }
  return ready;
}

/** The connection and COPY query of a running export, for a cancel from outside the generator. */
interface CopyRun {
  conn: pg.Client | null;
  copy: unknown;
  finished: boolean;
}

/**
 * Asks the server to cancel what the connection runs (a CancelRequest on a socket of its own,
 * as psql's Ctrl-C does: 16 bytes, code 80877102, the backend's process id and secret key).
 * A client who leaves while the server still sorts would otherwise keep a backend busy until
 * the first row. The export's connection is closed afterwards and never reused, so a cancel
 * that arrives late cannot hit another query.
 */
export function cancelBackend(conn: pg.Client): void {
  const c = conn as unknown as { host: string; port: number; processID: number | null; secretKey: number | null };
  if (c.processID === null || c.secretKey === null) return;
  const request = Buffer.alloc(16);
  request.writeInt32BE(16, 0);
  request.writeInt32BE(80877102, 4);
  request.writeInt32BE(c.processID, 8);
  request.writeInt32BE(c.secretKey, 12);
  const socket = c.host.startsWith('/') ? net.connect(`${c.host}/.s.PGSQL.${c.port}`) : net.connect(c.port, c.host);
  socket.on('error', () => {});
  socket.once('connect', () => socket.end(request));
  socket.setTimeout(10_000, () => socket.destroy());
}

/**
 * The statement CSV streamed from one COPY on a pool connection, then its totals from a
 * GROUP BY in the same REPEATABLE READ, READ ONLY transaction (the snapshot the COPY read).
 * Backpressure: the COPY is read only as the response drains. When the stream is destroyed
 * early (the client went away) or fails, the COPY is cancelled and the connection closed (the
 * server rolls back) and given back to the pool, which discards it.
 */
export function statementCsvByCopy(deps: Deps, grantId: string, from: string, to: string): Readable {
  const run: CopyRun = { conn: null, copy: null, finished: false };
  const chunks = copyChunks(deps, grantId, from, to, run);
  // Not Readable.from: its destroy waits for the generator, which waits for the COPY's next row.
  return new Readable({
    highWaterMark: 64 * 1024,
    read() {
      chunks.next().then(
        ({ value, done }) => this.push(done ? null : value),
        (e: Error) => this.destroy(e),
      );
    },
    destroy(error, callback) {
      if (!run.finished && run.conn && run.copy) cancelBackend(run.conn);
      chunks.return(undefined).then(
        () => callback(error),
        (e: Error) => callback(error ?? e),
      );
    },
  });
}

async function* copyChunks(
  deps: Deps,
  grantId: string,
  from: string,
  to: string,
  run: CopyRun,
): AsyncGenerator<Buffer> {
  yield Buffer.from(statementCsvHead(), 'utf8');
  const pool = deps.db.client as {
    acquireConnection(): Promise<pg.Client>;
    releaseConnection(c: pg.Client): Promise<unknown>;
  };
  const conn = await pool.acquireConnection();
  run.conn = conn;
  try {
    await conn.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const copy = conn.query(copyStreams.to(statementCopySql(deps, grantId, from, to)));
    run.copy = copy;
    // After an abort the driver still reports the cancelled or closed connection to the query: not a crash.
    copy.on('error', () => {});
    const rows = new CopyBinaryText();
    for await (const chunk of copy) {
      const bytes = rows.push(chunk as Buffer);
      if (bytes.length > 0) yield bytes;
    }
    if (!rows.done) throw new Error('COPY ended without its trailer');
    run.copy = null;
    const totalsSql = statementTotalsQuery(deps.db, grantId, from, to).toSQL().toNative();
    const { rows: sums } = await conn.query<{ category: string; year: number; count: number; cents: number }>(
      totalsSql.sql,
      totalsSql.bindings as unknown[],
    );
    await conn.query('COMMIT');
    run.finished = true;
    const totals = new StatementTotals();
    for (const t of sums) totals.addLine(t.category, t.year, t.cents, t.count);
    // Same snapshot, same filter: the totals count exactly the lines sent (else the file stops short).
    if (totals.count !== copy.rowCount)
      throw new Error(`statement totals count ${totals.count} lines, COPY sent ${copy.rowCount}`);
    yield Buffer.from(statementCsvTail(totals), 'utf8');
  } finally {
    if (!run.finished) await conn.end().catch(() => {});
    await pool.releaseConnection(conn);
  }
}

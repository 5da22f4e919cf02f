// Bulk loading for the data generator. The `pg` driver has no COPY FROM STDIN without
// pg-copy-streams (not a dependency), so rows go in chunks as one statement per chunk:
// `INSERT … SELECT … FROM unnest($1::text[], $2::text[], …)` — one round trip and one
// parameter per column whatever the chunk size (no 65,535-parameter limit of multi-row
// VALUES), the same SQL on the server and on the embedded PGlite. Each chunk runs with
// `session_replication_role = replica`: foreign keys and triggers are not checked while
// loading (the invariant checker checks the result); CHECK, UNIQUE and EXCLUDE constraints are.
import type { Knex } from 'knex';

export interface Progress {
  add(rows: number): void;
  done(): void;
}

/** A progress bar on stderr: rows loaded of the estimate, rows/s, elapsed. */
export function progressBar(
  totalRows: number,
  label: string,
  out: NodeJS.WriteStream | null = process.stderr,
): Progress & { rows: number } {
  const t0 = performance.now();
  let last = 0;
  const state = {
    rows: 0,
    add(n: number) {
      state.rows += n;
      const now = performance.now();
      if (out && (now - last > 200 || state.rows >= totalRows)) {
        last = now;
        const share = Math.min(1, state.rows / Math.max(1, totalRows));
        const width = 30;
        const bar = '█'.repeat(Math.round(share * width)).padEnd(width, '░');
        const secs = (now - t0) / 1000;
        out.write(
          `\r${label} ${bar} ${(share * 100).toFixed(0).padStart(3)} % ${state.rows.toLocaleString('en-US')} rows, ${Math.round(state.rows / Math.max(secs, 0.001)).toLocaleString('en-US')} rows/s, ${secs.toFixed(1)} s   `,
        );
      }
    },
    done() {
      if (out) out.write('\n');
    },
  };
  return state;
}

type Value = string | number | boolean | null;

/**
 * Chunks in flight at once, across tables (foreign keys are not checked while loading, so the
 * order does not matter): the generator keeps producing rows while PostgreSQL inserts.
 */
export class Pipeline {
  private inflight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(private max = 3) {}

  async run(work: () => Promise<void>): Promise<void> {
    if (this.failure) throw this.failure;
    while (this.inflight.size >= this.max) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
    const p: Promise<void> = work()
      .catch((e) => {
        this.failure ??= e;
      })
      .finally(() => this.inflight.delete(p));
    this.inflight.add(p);
  }

  async drain(): Promise<void> {
    while (this.inflight.size) await Promise.race(this.inflight);
    if (this.failure) throw this.failure;
  }
}

/**
 * A column computed in the database from the row's values (`c(name)` is the SQL of a value of the
 * row), with bindings of its own: the same long text sent once a chunk instead of once a row.
 */
export interface Computed {
  column: string;
  sql: (c: (name: string) => string) => string;
  bindings: (string | string[])[];
}

/** Buffers rows of one table column by column and inserts them a chunk at a time. */
export class Loader {
  private columns: Value[][];
  private count = 0;
  loaded = 0;
  /** Time spent in the database, ms (for the summary). */
  ms = 0;

  /**
   * `columns`: [name, SQL type] pairs; each value is sent as text and cast to its type. A name
   * in `virtual` is a value only `computed` columns use, not a column of the table.
   */
  constructor(
    private db: Knex,
    readonly table: string,
    private spec: [string, string][],
    private progress: Progress,
    private pipeline: Pipeline,
    private chunk = 10_000,
    private computed: Computed[] = [],
    private virtual: string[] = [],
  ) {
    this.columns = spec.map(() => []);
  }

  async push(...values: Value[]): Promise<void> {
    for (let i = 0; i < values.length; i++) this.columns[i].push(values[i]);
    this.count++;
    if (this.count >= this.chunk) await this.flush();
  }

  /** Sends what is buffered (it may still be in flight after this returns: drain the pipeline). */
  async flush(): Promise<void> {
    if (!this.count) return;
    const columns = this.columns.map((c) => c.map((v) => (v === null ? null : String(v))));
    const n = this.count;
    this.columns = this.spec.map(() => []);
    this.count = 0;
    const real = this.spec.map(([name], i) => ({ name, i })).filter(({ name }) => !this.virtual.includes(name));
    const value = (name: string) => {
      const i = this.spec.findIndex(([n]) => n === name);
      if (i < 0) throw new Error(`no value ${name} in ${this.table}`);
      return `c${i}::${this.spec[i][1]}`;
    };
    const names = [...real.map(({ name }) => name), ...this.computed.map((c) => c.column)]
      .map((name) => `"${name}"`)
      .join(', ');
    const select = [...real.map(({ name }) => value(name)), ...this.computed.map((c) => c.sql(value))].join(', ');
    const params = this.spec.map(() => `?::text[]`).join(', ');
    const aliases = this.spec.map((_, i) => `c${i}`).join(', ');
    const bindings = [...this.computed.flatMap((c) => c.bindings), ...columns];
    await this.pipeline.run(async () => {
      const t0 = performance.now();
      await this.db.transaction(async (trx) => {
        await trx.raw('SET LOCAL session_replication_role = replica');
        // A lost chunk on a crash means generating again anyway: no wait for the WAL flush at each commit.
        await trx.raw('SET LOCAL synchronous_commit = off');
        await trx.raw(
          `INSERT INTO ${this.table} (${names}) SELECT ${select} FROM unnest(${params}) AS u(${aliases})`,
          bindings as never,
        );
      });
      this.ms += performance.now() - t0;
      this.loaded += n;
      this.progress.add(n);
    });
  }
}

/**
 * Runs `work` with the secondary indexes of `tables` dropped, then builds them again (one
 * sort per index instead of one insertion per row). UNIQUE constraints go and come back the
 * same way, unless a foreign key uses their index; primary keys and EXCLUDE constraints stay.
 * A unique index or constraint built again afterwards still refuses duplicates (the build
 * fails). The indexes are rebuilt even when `work` fails.
 */
export async function withoutSecondaryIndexes<T>(
  db: Knex,
  tables: string[],
  work: () => Promise<T>,
  say: (line: string) => void = () => undefined,
): Promise<T> {
  const { rows } = await db.raw(
    `SELECT i.indexrelid::regclass::text AS name, pg_get_indexdef(i.indexrelid) AS def
       FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid
      WHERE t.relname = ANY(?) AND t.relnamespace = 'public'::regnamespace AND NOT i.indisprimary
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)`,
    [tables],
  );
  const indexes = rows as { name: string; def: string }[];
  const uniques = (
    await db.raw(
      `SELECT c.conrelid::regclass::text AS tbl, c.conname AS name, pg_get_constraintdef(c.oid) AS def
         FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
        WHERE c.contype = 'u' AND t.relname = ANY(?) AND t.relnamespace = 'public'::regnamespace
          AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)`,
      [tables],
    )
  ).rows as { tbl: string; name: string; def: string }[];
  for (const ix of indexes) await db.raw(`DROP INDEX ${ix.name}`);
  for (const u of uniques) await db.raw(`ALTER TABLE ${u.tbl} DROP CONSTRAINT "${u.name}"`);
  try {
    return await work();
  } finally {
    const t0 = performance.now();
    for (const ix of indexes) await db.raw(ix.def);
    for (const u of uniques) await db.raw(`ALTER TABLE ${u.tbl} ADD CONSTRAINT "${u.name}" ${u.def}`);
    say(
      `rebuilt ${indexes.length} secondary indexes and ${uniques.length} unique constraints in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
}

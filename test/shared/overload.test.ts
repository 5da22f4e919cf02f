import { expect } from 'chai';
import knexFactory from 'knex';
import type { Request } from 'express';
import { toAppError } from '../../server/shared/error-handler.js';
import { Writable } from 'node:stream';
import { createLogger, serializeError } from '../../server/shared/logger.js';

describe('overload', () => {
  it('@pg when every pooled connection stays busy past the wait, then the request answers 503 (try again), not 500', async () => {
    const db = knexFactory({
      client: 'pg',
      connection: process.env.DATABASE_URL,
      pool: { min: 0, max: 1 },
      acquireConnectionTimeout: 200,
      log: { warn: () => undefined },
    });
    try {
      const busy = db.transaction(async (trx) => {
        await trx.raw('SELECT pg_sleep(0.6)');
      });
      const thrown = await db
        .transaction(async (trx) => trx.raw('SELECT 1'))
        .then(
          () => null,
          (e: unknown) => e,
        );
      await busy;
      expect(thrown, 'the pool timed out').to.not.equal(null);
      const warnings: unknown[] = [];
      const req = {
        ctx: {
          log: {
            warn: (o: unknown) => warnings.push(o),
            error: () => {
              throw new Error('logged as an unexpected error');
            },
          },
        },
      } as unknown as Request;
      const error = toAppError(thrown, req);
      expect(error.status).to.equal(503);
      expect(error.code).to.equal('service_unavailable');
      expect(warnings).to.have.length(1);
      expect(serializeError(thrown)).to.include({ type: 'KnexTimeoutError' });
    } finally {
      await db.destroy();
    }
  });

  it('when something that is not an Error is thrown, then the log says its shape, never its values', () => {
    expect(serializeError(null)).to.deep.equal({ type: 'null' });
    expect(serializeError({ code: 'X1', secret: 'Jeanne Martin' })).to.deep.equal({
      type: 'object',
      constructor: 'Object',
      keys: ['code', 'secret'],
      code: 'X1',
    });
    expect(JSON.stringify(serializeError({ secret: 'Jeanne Martin' }))).to.not.include('Jeanne');
  });
  it('when a database error reaches the error handler, then the log line keeps its SQLSTATE and constraint, never its detail (the logger serialises err once)', () => {
    const lines: string[] = [];
    const log = createLogger(
      'info',
      new Writable({
        write(chunk, _enc, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const dbError = Object.assign(new Error('duplicate key value violates unique constraint'), {
      severity: 'ERROR',
      code: '23505',
      constraint: 'batch_claims_one_live_batch',
      table: 'batch_claims',
      detail: 'Key (claim_id)=(Jeanne Martin) already exists.',
    });
    const error = toAppError(dbError, { ctx: { log } } as unknown as Request);
    expect(error.status).to.equal(500);
    expect(lines).to.have.length(1);
    const logged = JSON.parse(lines[0]);
    expect(logged.err).to.deep.equal({
      type: 'DatabaseError',
      sqlstate: '23505',
      constraint: 'batch_claims_one_live_batch',
      table: 'batch_claims',
    });
    expect(lines[0]).to.not.include('Jeanne');
  });
});

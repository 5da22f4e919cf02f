import pino, { type Logger } from 'pino';

/**
 * Logs carry no personal data: no bodies, no query strings (`?q=Dupont`), no cookies or
 * tokens, and for database errors only the SQLSTATE and constraint — never their `detail`
 * or message, which quote the values (`Key (email)=(…)`, `invalid input syntax: "…"`).
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: [
          'req.headers.authorization',
          'req.headers.cookie',
          'res.headers["set-cookie"]',
          '*.password',
          '*.iban',
          '*.email',
        ],
        censor: '[redacted]',
      },
      serializers: { err: serializeError },
    },
    destination,
  );
}

export function pathOnly(url: string): string {
  const i = url.indexOf('?');
  return i === -1 ? url : url.slice(0, i);
}

interface PgLikeError extends Error {
  code?: string;
  constraint?: string;
  table?: string;
  routine?: string;
  severity?: string;
}

export function serializeError(err: unknown): Record<string, unknown> {
  // Duck-typed: errors from modules loaded another way (CommonJS under tsx) may fail instanceof.
  const errorLike =
    err instanceof Error ||
    (!!err &&
      typeof err === 'object' &&
      typeof (err as Error).name === 'string' &&
      typeof (err as Error).message === 'string');
  if (!errorLike) {
    // Something thrown that is not an Error: say what it is (its shape, never its values).
    const o = err && typeof err === 'object' ? (err as Record<string, unknown>) : null;
    return {
      type: err === null ? 'null' : typeof err,
      ...(o
        ? { constructor: (o.constructor as { name?: string } | undefined)?.name, keys: Object.keys(o).slice(0, 12) }
        : {}),
      ...(o && typeof o.code === 'string' ? { code: o.code } : {}),
      ...(o && typeof o.name === 'string' ? { name: o.name } : {}),
    };
  }
  const e = err as PgLikeError;
  if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && e.severity) {
    return { type: 'DatabaseError', sqlstate: e.code, constraint: e.constraint, table: e.table, routine: e.routine };
  }
  return { type: e.name, message: e.message, code: e.code, stack: e.stack };
}

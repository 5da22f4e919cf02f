import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { Keyring } from './crypto.js';

/** What use cases need from the outside world; built once in main.ts (or by tests). */
export interface Deps {
  db: Knex;
  dbKind: 'server' | 'embedded';
  config: Config;
  keyring: Keyring;
  log: Logger;
  /** The clock, replaceable in tests. */
  now: () => Date;
}

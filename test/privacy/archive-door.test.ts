import { expect } from 'chai';
import type { TSchema } from '@sinclair/typebox';
import { declaredRoutes } from '../helpers/routes.js';
import { REGISTRY } from '../../server/privacy/registry.js';

type Schema = TSchema & Record<string, unknown>;

describe('archive door: every path parameter says what it identifies', () => {
  it('when a route has a path parameter, then its params schema declares it: a record id of a registry table (RecordId), or a value that is no id (a year, a code)', () => {
    const wrong: string[] = [];
    for (const route of declaredRoutes()) {
      for (const name of [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1])) {
        const s = ((route.params as Schema | undefined)?.properties as Record<string, Schema> | undefined)?.[name];
        const where = `${route.method.toUpperCase()} ${route.path} :${name}`;
        if (!s) wrong.push(`${where}: not in params`);
        else if (s['x-record'] !== undefined) {
          if (!(String(s['x-record']) in REGISTRY)) wrong.push(`${where}: x-record ${String(s['x-record'])} is no registry table`);
        } else if (s.format === 'uuid') wrong.push(`${where}: a uuid without its record type`);
      }
    }
    expect(wrong, wrong.join("\n")).to.deep.equal([]);
  });
});

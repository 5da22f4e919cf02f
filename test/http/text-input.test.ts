import { expect } from 'chai';
import type { TSchema } from '@sinclair/typebox';
import { declaredRoutes, rowCounts } from '../helpers/routes.js';
import { signedIn } from '../helpers/factories.js';

type Schema = TSchema & Record<string, unknown>;

/** Every string a body schema accepts, with its path (`lines[].note`), through objects, arrays and unions. */
function strings(schema: Schema, path: string, out: { path: string; schema: Schema }[]): void {
  if (schema.type === 'string') out.push({ path, schema });
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const)
    for (const s of (schema[key] as Schema[] | undefined) ?? []) strings(s, path, out);
  if (schema.type === 'object' || schema.properties)
    for (const [k, s] of Object.entries((schema.properties as Record<string, Schema>) ?? {}))
      strings(s, path ? `${path}.${k}` : k, out);
  if (schema.type === 'array' && schema.items) strings(schema.items as Schema, `${path}[]`, out);
}

/** A string whose values are constrained already (a format, a pattern, a list) is not typed text. */
const constrained = (s: Schema) =>
  s.format !== undefined || s.pattern !== undefined || s.enum !== undefined || s.const !== undefined;

describe('text input: one reading of typed strings on every write route', () => {
  it('when a route accepts a string in its body, then it is a Name, a Text or a Secret (or a format, pattern or list): a new route cannot let a blank name through', () => {
    const undeclared: string[] = [];
    for (const route of declaredRoutes()) {
      if (!route.body) continue;
      const found: { path: string; schema: Schema }[] = [];
      strings(route.body as Schema, '', found);
      for (const f of found)
        if (!constrained(f.schema) && !['name', 'text', 'secret'].includes(f.schema['x-text'] as string))
          undeclared.push(`${route.method.toUpperCase()} ${route.path} ${f.path}`);
    }
    expect(undeclared).to.deep.equal([]);
  });
});

describe('text input: blank names are refused, names are trimmed', () => {
  it('when a project or a venue is named with spaces or a no-break space, then 400 names the field and nothing is written (it was a 500 on projects_name_check)', async () => {
    const lead = await signedIn('project_lead');
    const staff = await signedIn('staff');
    for (const blank of ['   ', '\u00a0', ' \u202f\t']) {
      const before = await rowCounts(['web_sessions']);
      const project = await lead.post('/api/projects', {
        name: blank,
        participationLevel: 'information',
        startsOn: '2026-05-01',
      });
      expect(project.status, JSON.stringify(blank)).to.equal(400);
      expect(project.body.error.details).to.deep.equal([
        { field: 'name', message: 'ne doit pas être vide ni ne contenir que des espaces' },
      ]);
      const venue = await staff.post('/api/venues', { name: blank, capacity: 20, costMode: 'free' });
      expect(venue.status).to.equal(400);
      expect(venue.body.error.details).to.deep.equal([
        { field: 'name', message: 'ne doit pas être vide ni ne contenir que des espaces' },
      ]);
      expect(await rowCounts(['web_sessions'])).to.deep.equal(before);
    }
  });

  it('when a name comes with spaces around it, then it is stored trimmed; free text and passwords keep their spaces', async () => {
    const lead = await signedIn('project_lead');
    const project = await lead.post('/api/projects', {
      name: '\u00a0 Atelier mobilité  ',
      description: '  Deux lignes,\n  indentées.',
      participationLevel: 'information',
      startsOn: '2026-05-01',
    });
    expect(project.status).to.equal(201);
    expect(project.body).to.include({ name: 'Atelier mobilité', description: '  Deux lignes,\n  indentées.' });
  });
});

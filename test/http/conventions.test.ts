import { expect } from 'chai';
import { Client } from '../helpers/client.js';
import { signedIn } from '../helpers/factories.js';
import { declaredRoutes } from '../helpers/routes.js';
import { routeOf } from '../helpers/money-walk.js';
import { checkResponse, undescribedJsonRoutes } from '../helpers/response-check.js';

describe('HTTP conventions', () => {
  it('when the JSON body is malformed, then 400 malformed_json, never 500', async () => {
    const r = await new Client().request('POST', '/api/auth/login', {
      raw: '{"email":',
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).to.equal(400);
    expect(r.body).to.deep.equal({
      error: { code: 'malformed_json', message: 'Le corps de la requête n’est pas un JSON valide.', details: [] },
    });
  });

  it('when the body is larger than the limit, then 413', async () => {
    const r = await new Client().request('POST', '/api/auth/login', {
      raw: JSON.stringify({ email: 'x'.repeat(2_000_000) }),
      headers: { 'content-type': 'application/json' },
    });
    expect(r.status).to.equal(413);
    expect(r.body.error.code).to.equal('payload_too_large');
  });

  it('when an API route does not exist, then 404 JSON in the error shape', async () => {
    const r = await new Client().get('/api/does-not-exist');
    expect(r.status).to.equal(404);
    expect(r.body.error.code).to.equal('route_not_found');
    expect(r.body.error.details).to.deep.equal([]);
  });

  it('when a page does not exist, then a French 404 page', async () => {
    const client = await signedIn('staff');
    const r = await client.request('GET', '/nowhere', { headers: { accept: 'text/html' } });
    expect(r.status).to.equal(404);
    expect(r.text).to.include('<html lang="fr">').and.include('Page introuvable');
  });

  it('when a field has the wrong type, then details name it in French', async () => {
    const r = await new Client().post('/api/auth/login', { email: 42 });
    expect(r.status).to.equal(400);
    expect(r.body.error.details).to.deep.include({ field: 'email', message: 'doit être de type string' });
    expect(r.body.error.details).to.deep.include({ field: 'password', message: 'champ obligatoire' });
  });

  it('when a path parameter is not a UUID, then 400 names it', async () => {
    const client = await signedIn('admin');
    const r = await client.get('/api/users/not-a-uuid');
    expect(r.status).to.equal(400);
    expect(r.body.error.details[0].field).to.equal('id');
  });

  it('when any request is answered, then it carries a request id and security headers', async () => {
    const r = await new Client().request('GET', '/health', { headers: { 'x-request-id': 'abc-123' } });
    expect(r.headers.get('x-request-id')).to.equal('abc-123');
    expect(r.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(r.headers.get('content-security-policy')).to.include("default-src 'self'");
    expect(r.headers.get('x-powered-by')).to.equal(null);
  });

  it('when the OpenAPI document is read, then it is 3.1 and lists every /api route', async () => {
    const r = await new Client().get('/api/openapi.json');
    expect(r.status).to.equal(200);
    expect(r.body.openapi).to.equal('3.1.0');
    for (const route of declaredRoutes().filter((x) => x.path.startsWith('/api/'))) {
      const path = route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(r.body.paths[path], path).to.have.property(route.method);
    }
    expect(
      r.body.paths['/api/settings'].patch.requestBody.content['application/json'].schema.properties,
    ).to.have.property('siret');
  });

  it('when an API route answers JSON, then it declares the schema of its body (the test client checks every 2xx body against it)', () => {
    expect(undescribedJsonRoutes(), 'API routes with a 2xx JSON answer and no response schema').to.deep.equal([]);
    const claim = routeOf('GET', '/api/claims/00000000-0000-4000-8000-000000000000');
    expect(() => checkResponse(claim, 'GET', '/api/claims/x', 200, 'application/json', { id: 'x' })).to.throw(
      /GET \/api\/claims\/:id .* does not describe/,
    );
  });

  it('when the interactive docs are opened, then the page and its script load', async () => {
    const page = await new Client().get('/api/docs');
    expect(page.status).to.equal(200);
    expect(page.text).to.include('swagger-ui-bundle.js');
    const bundle = await new Client().get('/api/docs/ui/swagger-ui-bundle.js');
    expect(bundle.status).to.equal(200);
  });
});

// Raw HTTP edges of the simulated Compute API: routing of unknown paths, methods and bodies, the
// remaining URL-map limits, and what gcloud reads about zones. No client library, so it is fast.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startComputeSim, type ComputeSim } from '../../../src/sim/gcp/server.js';
import { demoDataPlanes } from './helpers/fake-data-plane.js';
import { rest } from './helpers/rest.js';

let sim: ComputeSim;
const seen: string[] = [];

before(async () => {
  sim = await startComputeSim({
    project: 'rest-project',
    dataPlanes: demoDataPlanes(),
    token: 'rest-token',
    operationDelayMs: 0,
    onRequest: (r) => seen.push(`${r.method} ${r.status}`),
  });
  await rest(sim, 'POST', 'global/healthChecks', { name: 'hc', type: 'HTTP' });
  await rest(sim, 'POST', 'global/backendServices', { name: 'be', healthChecks: ['global/healthChecks/hc'] });
});
after(() => sim.stop());

async function raw(
  method: string,
  path: string,
  body?: string,
): Promise<{ status: number; reason: string | undefined }> {
  const res = await fetch(`http://127.0.0.1:${sim.port}${path}`, {
    method,
    headers: { authorization: 'Bearer rest-token' },
    ...(body !== undefined ? { body } : {}),
  });
  const json = (await res.json()) as { error?: { errors: { reason: string }[] } };
  return { status: res.status, reason: json.error?.errors[0]?.reason };
}

test('unknown projects, collections and paths are 404; unsupported methods 405; malformed JSON 400', async () => {
  assert.deepEqual(await raw('GET', '/compute/v1/projects/other-project/global/urlMaps'), {
    status: 404,
    reason: 'notFound',
  });
  assert.deepEqual(await raw('GET', '/compute/v1/projects/rest-project/global/backendBuckets'), {
    status: 404,
    reason: 'notFound',
  });
  assert.deepEqual(await raw('GET', '/compute/v1/projects/rest-project/zones/europe-west1-b/urlMaps'), {
    status: 404,
    reason: 'notFound',
  });
  assert.deepEqual(await raw('PUT', '/compute/v1/projects/rest-project/global/sslCertificates/x', '{}'), {
    status: 404,
    reason: 'notFound',
  });
  assert.deepEqual(await raw('PUT', '/compute/v1/projects/rest-project/global/addresses'), {
    status: 405,
    reason: 'httpMethodNotAllowed',
  });
  assert.deepEqual(await raw('POST', '/compute/v1/projects/rest-project/global/urlMaps', '{"name":'), {
    status: 400,
    reason: 'parseError',
  });
  assert.deepEqual(
    await raw('POST', '/compute/v1/projects/rest-project/global/operations/operation-nope/wait', '""'),
    { status: 404, reason: 'notFound' },
  );
  assert.deepEqual(
    await raw('POST', '/compute/v1/projects/rest-project/zones/europe-west1-b/instances', '{"name":"vm"}'),
    { status: 400, reason: 'unsupportedOperation' },
  );
  assert.ok(
    seen.includes('GET 404') && seen.includes('PUT 405'),
    'onRequest sees every request with its status',
  );
});

test('URL-map limits: path matchers, hosts per host rule, and 64 KB per map', async () => {
  const defaultService = 'global/backendServices/be';
  const matchers = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `pm${i}`, defaultService }));
  await rest(sim, 'POST', 'global/urlMaps', { name: 'pm-ok', defaultService, pathMatchers: matchers(300) });
  await assert.rejects(
    rest(sim, 'POST', 'global/urlMaps', { name: 'pm-over', defaultService, pathMatchers: matchers(1001) }),
    /400 .*1001 path matchers exceeds the limit of 1000/,
  );
  const hosts = (n: number, len = 20) =>
    Array.from({ length: n }, (_, i) => `h${i}.${'x'.repeat(len)}.example.com`);
  await rest(sim, 'POST', 'global/urlMaps', {
    name: 'hosts-ok',
    defaultService,
    hostRules: [{ hosts: hosts(1000), pathMatcher: 'pm0' }],
    pathMatchers: matchers(1),
  });
  await assert.rejects(
    rest(sim, 'POST', 'global/urlMaps', {
      name: 'hosts-over',
      defaultService,
      hostRules: [{ hosts: hosts(1001), pathMatcher: 'pm0' }],
      pathMatchers: matchers(1),
    }),
    /400 .*1001 hosts exceeds the limit of 1000/,
  );
  const big = Array.from({ length: 10 }, (_, r) => ({
    hosts: hosts(100, 60).map((h) => `r${r}${h}`),
    pathMatcher: 'pm0',
  }));
  await assert.rejects(
    rest(sim, 'POST', 'global/urlMaps', {
      name: 'too-big',
      defaultService,
      hostRules: big,
      pathMatchers: matchers(1),
    }),
    /400 .*bytes of URL map exceeds the limit of 65536/,
  );
});

test('zones and regions are the world zones that gcloud validates', async () => {
  const zones = await rest(sim, 'GET', 'zones');
  assert.deepEqual(
    (zones.items as { name: string }[]).map((z) => z.name),
    ['asia-east1-a', 'europe-west1-b', 'us-central1-c'],
  );
  const zone = await rest(sim, 'GET', 'zones/europe-west1-b');
  assert.match(String(zone.region), /\/regions\/europe-west1$/);
  await assert.rejects(rest(sim, 'GET', 'zones/mars-north1-a'), /404/);
});

type ApiaryError = {
  error: {
    code: number;
    message: string;
    status?: string;
    errors: { message: string; domain: string; reason: string; location?: string; locationType?: string }[];
  };
};

async function fetchError(
  path: string,
  authorization?: string,
): Promise<{ status: number; wwwAuthenticate: string | null; body: ApiaryError }> {
  const res = await fetch(`http://127.0.0.1:${sim.port}${path}`, {
    headers: authorization === undefined ? {} : { authorization },
  });
  return {
    status: res.status,
    wwwAuthenticate: res.headers.get('www-authenticate'),
    body: (await res.json()) as ApiaryError,
  };
}

test('401 has the shapes Google answers: required without a token, authError with a wrong one', async () => {
  const help =
    'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';
  const missing = await fetchError('/compute/v1/projects/rest-project/global/urlMaps');
  assert.equal(missing.status, 401);
  assert.equal(missing.wwwAuthenticate, 'Bearer realm="https://accounts.google.com/"');
  assert.deepEqual(missing.body, {
    error: {
      code: 401,
      message: `Request is missing required authentication credential. ${help}`,
      errors: [
        {
          message: 'Login Required.',
          domain: 'global',
          reason: 'required',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
      status: 'UNAUTHENTICATED',
    },
  });
  const wrong = await fetchError('/compute/v1/projects/rest-project/global/urlMaps/x', 'Bearer nope');
  assert.equal(wrong.status, 401);
  assert.match(wrong.wwwAuthenticate ?? '', /error="invalid_token"/);
  assert.deepEqual(wrong.body, {
    error: {
      code: 401,
      message: `Request had invalid authentication credentials. ${help}`,
      errors: [
        {
          message: 'Invalid Credentials',
          domain: 'global',
          reason: 'authError',
          location: 'Authorization',
          locationType: 'header',
        },
      ],
      status: 'UNAUTHENTICATED',
    },
  });
});

test('404 shapes: unknown URLs (before auth), unknown projects, missing resources', async () => {
  for (const path of [
    '/compute/v1/projects/rest-project/global/backendBuckets',
    '/compute/v1/projects/rest-project/global/urlMaps/a/b/c',
    '/compute/v1/zones',
    '/storage/v1/b',
  ]) {
    for (const auth of [undefined, 'Bearer rest-token']) {
      const r = await fetchError(`${path}?secret=never-quoted`, auth);
      assert.equal(r.status, 404, `${path} ${auth ?? 'no token'}`);
      const message = `The requested URL ${path} was not found on this server.`;
      assert.deepEqual(r.body, {
        error: {
          code: 404,
          message,
          errors: [{ message, domain: 'global', reason: 'notFound' }],
          status: 'NOT_FOUND',
        },
      });
    }
  }
  const project = await fetchError('/compute/v1/projects/other-project/global/urlMaps', 'Bearer rest-token');
  assert.equal(project.body.error.message, "The resource 'projects/other-project' was not found");
  assert.equal(
    (await fetchError('/compute/v1/projects/other-project/global/urlMaps')).status,
    401,
    'a bound URL needs credentials before the project is looked up',
  );
  const missing = await fetchError(
    '/compute/v1/projects/rest-project/global/urlMaps/nope',
    'Bearer rest-token',
  );
  const message = "The resource 'projects/rest-project/global/urlMaps/nope' was not found";
  assert.deepEqual(missing.body, {
    error: { code: 404, message, errors: [{ message, domain: 'global', reason: 'notFound' }] },
  });
});

test('error messages never quote a request body: private keys and nested values stay out', async () => {
  const secret = 'PRIVATE-KEY-never-in-an-error';
  const post = async (path: string, body: string) => {
    const res = await fetch(`${sim.url}projects/rest-project/${path}`, {
      method: 'POST',
      headers: { authorization: 'Bearer rest-token', 'content-type': 'application/json' },
      body,
    });
    return { status: res.status, text: await res.text() };
  };
  const bodies: [string, string][] = [
    ['global/sslCertificates', JSON.stringify({ name: 'c', certificate: 'x', privateKey: secret })],
    ['global/sslCertificates', JSON.stringify({ name: 'c', privateKey: secret })],
    ['global/addresses', JSON.stringify({ name: { privateKey: secret } })],
    ['global/addresses', JSON.stringify({ name: 'a', address: { privateKey: secret } })],
    ['global/sslCertificates', `{"name":"c","privateKey":${secret}}`],
  ];
  for (const [path, body] of bodies) {
    const r = await post(path, body);
    assert.equal(r.status, 400, r.text);
    assert.ok(!r.text.includes(secret), `${path} quotes the body: ${r.text}`);
  }
});

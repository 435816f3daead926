// Error normalisation and classification, on the shapes the client throws (see also the real
// client's errors in compute-faults.integration.test.ts).
import assert from 'node:assert/strict';
import test from 'node:test';
import { GcpError, isTransientGcpError, toGcpError } from '../../src/gcp/compute/errors.js';

const apiary = (code: number, reason: string, message = `m-${reason}`) =>
  JSON.stringify({ error: { code, message, errors: [{ message, domain: 'global', reason }] } });

test('GaxiosError shapes (status + raw JSON body as message) by reason, then by status', () => {
  const cases: [unknown, string, boolean][] = [
    [{ status: 404, code: 404, message: apiary(404, 'notFound') }, 'gcp.notFound', false],
    [{ status: 409, code: 409, message: apiary(409, 'alreadyExists') }, 'gcp.alreadyExists', false],
    [{ status: 412, code: 412, message: apiary(412, 'conditionNotMet') }, 'gcp.conditionNotMet', false],
    [{ status: 400, message: apiary(400, 'resourceInUseByAnotherResource') }, 'gcp.resourceInUse', true],
    [{ status: 400, message: apiary(400, 'memberAlreadyExists') }, 'gcp.memberAlreadyExists', false],
    [{ status: 400, message: apiary(400, 'invalid') }, 'gcp.invalid', false],
    [{ status: 403, message: apiary(403, 'rateLimitExceeded') }, 'gcp.rateLimited', true],
    [{ status: 403, message: apiary(403, 'userRateLimitExceeded') }, 'gcp.rateLimited', true],
    [{ status: 403, message: apiary(403, 'quotaExceeded') }, 'gcp.quotaExceeded', false],
    [{ status: 403, message: apiary(403, 'forbidden') }, 'gcp.permissionDenied', false],
    [{ status: 401, message: apiary(401, 'authError') }, 'gcp.unauthenticated', false],
    [{ status: 503, message: apiary(503, 'backendError') }, 'gcp.serverError', true],
    [
      { response: { status: 500, data: JSON.parse(apiary(500, 'internalError')) as unknown } },
      'gcp.serverError',
      true,
    ],
    [{ status: 429, message: 'Too Many Requests' }, 'gcp.rateLimited', true],
  ];
  for (const [err, code, transient] of cases) {
    const e = toGcpError(err, 'urlMaps.get urlMaps/x');
    assert.equal(e.code, code, JSON.stringify(err));
    assert.equal(isTransientGcpError(e), transient, code);
    assert.match(e.message, /^urlMaps\.get urlMaps\/x: HTTP \d{3} /);
  }
});

test('GoogleError shapes (gRPC code, readable message) and network errors', () => {
  assert.equal(toGcpError({ code: 5, message: 'The resource was not found' }, 'x').code, 'gcp.notFound');
  assert.equal(toGcpError({ code: 9, message: 'Invalid fingerprint' }, 'x').code, 'gcp.conditionNotMet');
  assert.equal(toGcpError({ code: 6, message: 'exists' }, 'x').code, 'gcp.alreadyExists');
  assert.equal(toGcpError({ code: 14, message: 'unavailable' }, 'x').code, 'gcp.serverError');
  assert.equal(
    toGcpError({ code: 3, message: 'bad', reason: 'resourceInUseByAnotherResource' }, 'x').code,
    'gcp.resourceInUse',
  );
  const net = toGcpError(
    Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
    'urlMaps.list',
  );
  assert.equal(net.code, 'gcp.unreachable');
  assert.ok(isTransientGcpError(net));
  assert.equal(toGcpError(new Error('weird'), 'x').code, 'gcp.unexpected');
  const same = new GcpError({ code: 'gcp.invalid', message: 'm' });
  assert.equal(toGcpError(same, 'x'), same);
  assert.equal(isTransientGcpError(new Error('not ours')), false);
});

test('messages never carry PEM material and stay short', () => {
  const pem = '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkq\n-----END PRIVATE KEY-----';
  const e = toGcpError(
    { status: 400, message: apiary(400, 'invalid', `Invalid value '${pem}' ${'x'.repeat(500)}`) },
    'sslCertificates.insert',
  );
  assert.ok(!e.message.includes('MIIEvQ') && !e.message.includes('PRIVATE KEY'), e.message);
  assert.ok(e.message.includes('<PEM material>'));
  assert.ok(e.message.length < 400);
});

test('a GoogleError has no reason: 403 messages tell a rate limit from a used-up quota', () => {
  const rate =
    "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute' of service 'compute.googleapis.com'";
  assert.equal(toGcpError({ code: 7, message: rate }, 'x').code, 'gcp.rateLimited');
  assert.equal(
    toGcpError({ code: 7, message: "Quota 'BACKEND_SERVICES' exceeded. Limit: 5.0 globally." }, 'x').code,
    'gcp.quotaExceeded',
  );
  assert.equal(
    toGcpError({ code: 7, message: 'Required permission compute.urlMaps.update' }, 'x').code,
    'gcp.permissionDenied',
  );
});

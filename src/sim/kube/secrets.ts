// Secrets as a real API server stores them: `stringData` is a write-only convenience that the server
// folds into `data` (base64) and never stores or returns; `data` values must be base64; `type`
// defaults to Opaque. No message here ever contains a value: only keys and byte positions.
import { isObject, type JsonObject } from './json.js';
import { badRequest, type StatusCause } from './status.js';

const configKey = /^[-._a-zA-Z0-9]+$/;
const base64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Where a value stops being canonical base64, as Go's decoder reports it; -1 when it is valid. */
function badBase64At(value: string): number {
  if (!base64.test(value) || value.length % 4 !== 0) {
    const at = value.search(/[^A-Za-z0-9+/=]/);
    return at >= 0 ? at : Math.max(0, value.length - (value.length % 4 || 4));
  }
  return -1;
}

/**
 * Folds `stringData` into `data` (a stringData key wins over the same data key, as on a real server),
 * checks that every `data` value is base64 (400 BadRequest, as a real server's decoder answers) and
 * defaults `type`.
 */
export function normalizeSecret(obj: JsonObject): void {
  const data: JsonObject = isObject(obj.data) ? obj.data : {};
  for (const [key, value] of Object.entries(data)) {
    if (value === null) continue;
    const at = typeof value === 'string' ? badBase64At(value) : 0;
    if (at >= 0) {
      throw badRequest(
        `Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte ${at} (key ${JSON.stringify(key)})`,
      );
    }
  }
  const stringData = obj.stringData;
  if (stringData !== undefined && stringData !== null) {
    if (!isObject(stringData)) {
      throw badRequest(
        'Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal stringData into Go struct field Secret.stringData of type map[string]string',
      );
    }
    for (const [key, value] of Object.entries(stringData)) {
      if (typeof value !== 'string') {
        throw badRequest(
          `Secret in version "v1" cannot be handled as a Secret: json: cannot unmarshal stringData[${JSON.stringify(key)}] into Go struct field Secret.stringData of type string`,
        );
      }
      data[key] = Buffer.from(value, 'utf8').toString('base64');
    }
  }
  delete obj.stringData;
  if (Object.keys(data).length > 0) obj.data = data;
  else if (obj.data !== undefined && !isObject(obj.data)) delete obj.data;
  if (obj.type === undefined || obj.type === '') obj.type = 'Opaque';
}

/** 422 causes for Secret data keys (the keys only; values are never quoted). */
export function validateSecret(obj: JsonObject): StatusCause[] {
  const causes: StatusCause[] = [];
  const data = isObject(obj.data) ? obj.data : {};
  for (const key of Object.keys(data)) {
    if (key.length <= 253 && configKey.test(key)) continue;
    causes.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(key)}: a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
      field: `data[${key}]`,
    });
  }
  return causes;
}

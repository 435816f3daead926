// Secrets as a real API server stores them: `stringData` is a write-only convenience that the server
// folds into `data` (base64) and never stores or returns; `data` values must be base64; `type`
// defaults to Opaque. No message here ever contains a value: only keys and byte positions.
import { isObject, type Json, type JsonObject } from './json.js';
import { badRequest, type StatusCause, type StatusError } from './status.js';

const configKey = /^[-._a-zA-Z0-9]+$/;

const CANNOT = 'Secret in version "v1" cannot be handled as a Secret';
const LF = 0x0a;
const CR = 0x0d;
const PAD = 0x3d;
const isAlphabet = (c: number): boolean =>
  (c >= 0x41 && c <= 0x5a) ||
  (c >= 0x61 && c <= 0x7a) ||
  (c >= 0x30 && c <= 0x39) ||
  c === 0x2b ||
  c === 0x2f;

/**
 * Where Go's base64.StdEncoding.Decode (what the API server's JSON decoder uses for []byte) stops,
 * as the byte offset its CorruptInputError reports; -1 when the value decodes. Padding is required,
 * CR and LF are skipped, trailing bits need not be zero.
 */
export function goBase64ErrorAt(value: string): number {
  const src = new TextEncoder().encode(value);
  const len = src.length;
  const newline = (i: number): boolean => src[i] === LF || src[i] === CR;
  let si = 0;
  for (;;) {
    for (let j = 0; j < 4; j++) {
      if (si === len) return j === 0 ? -1 : si - j;
      const c = src[si++] ?? 0;
      if (isAlphabet(c)) continue;
      if (c === LF || c === CR) {
        j--;
        continue;
      }
      if (c !== PAD || j < 2) return si - 1;
      if (j === 2) {
        while (si < len && newline(si)) si++;
        if (si === len) return len;
        if (src[si] !== PAD) return si - 1;
        si++;
      }
      while (si < len && newline(si)) si++;
      return si < len ? si : -1;
    }
  }
}

/** What Go's encoding/json calls a JSON value in an UnmarshalTypeError. */
function jsonType(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

const typeError = (value: unknown, field: string, type: string): StatusError =>
  badRequest(
    `${CANNOT}: json: cannot unmarshal ${jsonType(value)} into Go struct field Secret.${field} of type ${type}`,
  );

/** One `data` value as the decoder reads it: base64 text, or a JSON array of byte values. */
function decodeDataValue(value: Json): Buffer | null {
  if (value === null) return null;
  if (typeof value === 'string') {
    const at = goBase64ErrorAt(value);
    if (at >= 0) throw badRequest(`${CANNOT}: illegal base64 data at input byte ${at}`);
    return Buffer.from(value, 'base64');
  }
  if (Array.isArray(value)) {
    for (const b of value) {
      if (typeof b !== 'number') throw typeError(b, 'data', 'uint8');
      if (!Number.isInteger(b) || b < 0 || b > 255)
        throw badRequest(
          `${CANNOT}: json: cannot unmarshal number ${b} into Go struct field Secret.data of type uint8`,
        );
    }
    return Buffer.from(value as number[]);
  }
  throw typeError(value, 'data', '[]uint8');
}

/**
 * Decodes `data` and folds `stringData` into it the way a real API server does: the first decoding
 * error in document order is a 400 BadRequest with the decoder's words (a type, a byte offset, never
 * a value), `data` comes back in canonical base64, a stringData key wins over the same data key,
 * stringData is never stored, and `type` defaults to Opaque.
 */
export function normalizeSecret(obj: JsonObject): void {
  const data: Record<string, Buffer | null> = {};
  const strings: Record<string, string> = {};
  for (const field of Object.keys(obj)) {
    const value = obj[field];
    if (value === null || value === undefined) continue;
    if (field === 'data') {
      if (!isObject(value)) throw typeError(value, 'data', 'map[string][]uint8');
      for (const [key, v] of Object.entries(value)) data[key] = decodeDataValue(v);
    } else if (field === 'stringData') {
      if (!isObject(value)) throw typeError(value, 'stringData', 'map[string]string');
      for (const [key, v] of Object.entries(value)) {
        if (v !== null && typeof v !== 'string') throw typeError(v, 'stringData', 'string');
        strings[key] = v ?? '';
      }
    }
  }
  for (const [key, v] of Object.entries(strings)) data[key] = Buffer.from(v, 'utf8');
  delete obj.stringData;
  const keys = Object.keys(data);
  if (keys.length > 0)
    obj.data = Object.fromEntries(keys.map((k) => [k, data[k] ? data[k].toString('base64') : null]));
  else delete obj.data;
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

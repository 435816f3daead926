// Resource quantities in canonical form, as a real API server stores them (k8s.io/apimachinery
// resource.Quantity): `0.5` → `500m`, `0.5Gi` → `512Mi`, `1024Mi` → `1Gi`, `1000m` → `1`,
// `0.9Gi` → `966367641600m`, `1.5e3` → `1500`, numbers become strings. Values are kept exactly
// (BigInt nano units); anything finer than a nano is rounded up, as the real parser does.
import { isObject, type Json, type JsonObject } from './json.js';

const QUANTITY = /^([+-]?)(\d+\.?\d*|\.\d+)(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const DECIMAL_SUFFIX = new Map(Object.entries(DECIMAL).map(([s, e]) => [e, s]));
const NANO = 10n ** 9n;

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

function parse(text: string): { negative: boolean; nano: bigint; format: Format } | undefined {
  const m = QUANTITY.exec(text);
  if (!m) return undefined;
  const [, sign, number = '', exponent, suffix = ''] = m;
  const [whole = '', fraction = ''] = number.split('.');
  let mantissa = BigInt(`${whole}${fraction}` || '0');
  let exp10 = -fraction.length + 9;
  let format: Format = 'DecimalSI';
  if (exponent !== undefined) {
    exp10 += Number(exponent.slice(1));
    format = 'DecimalExponent';
  } else if (BINARY.includes(suffix) && suffix !== '') {
    mantissa *= 1024n ** BigInt(BINARY.indexOf(suffix));
    format = 'BinarySI';
  } else {
    exp10 += DECIMAL[suffix]!;
  }
  let nano: bigint;
  if (exp10 >= 0) nano = mantissa * 10n ** BigInt(exp10);
  else {
    const div = 10n ** BigInt(-exp10);
    nano = mantissa / div + (mantissa % div === 0n ? 0n : 1n); // round up to a whole nano
  }
  return { negative: sign === '-' && nano !== 0n, nano, format };
}

function decimal(nano: bigint, format: Format): string {
  let n = nano;
  let e = -9;
  while (n % 1000n === 0n && (format === 'DecimalExponent' || e < 18)) {
    n /= 1000n;
    e += 3;
  }
  if (format === 'DecimalExponent') return `${n}${e === 0 ? '' : `e${e}`}`;
  return `${n}${DECIMAL_SUFFIX.get(e) ?? ''}`;
}

/** A quantity in nano units (for comparing requests with limits), or undefined when not one. */
export function quantityNano(value: string | number): bigint | undefined {
  const q = parse(String(value));
  return q ? (q.negative ? -q.nano : q.nano) : undefined;
}

/** The canonical text of a quantity, or undefined when `value` is not one (left as it is). */
export function canonicalQuantity(value: string | number): string | undefined {
  const q = parse(String(value));
  if (!q) return undefined;
  if (q.nano === 0n) return '0';
  let text: string;
  if (q.format === 'BinarySI' && q.nano >= 1024n * NANO && q.nano % NANO === 0n) {
    let n = q.nano / NANO;
    let i = 0;
    while (n % 1024n === 0n && i < BINARY.length - 1) {
      n /= 1024n;
      i++;
    }
    text = `${n}${BINARY[i]}`;
  } else {
    // Small or fractional binary quantities fall back to DecimalSI, as on a real server.
    text = decimal(q.nano, q.format === 'BinarySI' ? 'DecimalSI' : q.format);
  }
  return q.negative ? `-${text}` : text;
}

/** Maps of resource name → quantity in the built-in kinds (resources, quotas, limit ranges, overhead). */
const QUANTITY_MAPS = new Set([
  'requests',
  'limits',
  'hard',
  'capacity',
  'allocatable',
  'overhead',
  'max',
  'min',
  'default',
  'defaultRequest',
  'maxLimitRequestRatio',
]);
/** Single quantity fields (emptyDir.sizeLimit). */
const QUANTITY_FIELDS = new Set(['sizeLimit']);
/** Free-form maps that may use the same key names for anything. */
const OPAQUE = new Set(['metadata', 'data', 'stringData', 'binaryData', 'annotations', 'labels']);

function canonical(v: Json): Json {
  if (typeof v !== 'string' && typeof v !== 'number') return v;
  return canonicalQuantity(v) ?? v;
}

/** Rewrites the quantities of a built-in object in place. */
export function canonicalizeQuantities(value: Json): void {
  if (Array.isArray(value)) {
    for (const item of value) canonicalizeQuantities(item);
    return;
  }
  if (!isObject(value)) return;
  const obj: JsonObject = value;
  for (const [k, v] of Object.entries(obj)) {
    if (OPAQUE.has(k)) continue;
    if (QUANTITY_FIELDS.has(k)) obj[k] = canonical(v);
    else if (QUANTITY_MAPS.has(k) && isObject(v)) {
      for (const [name, q] of Object.entries(v)) v[name] = canonical(q);
    } else canonicalizeQuantities(v);
  }
}

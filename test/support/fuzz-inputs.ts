import type { BrokerDescriptor } from '../../src/shared/brokers';

/** mulberry32: a small seeded PRNG, so every fuzzed payload can be made again from the seed in a failure report. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Put into every fuzzed string value: no refusal message may ever contain it (values are never echoed). */
export const CANARY = 'zzCANARYzz';

function nest(depth: number, leaf: unknown, asArray: boolean): unknown {
  let out = leaf;
  for (let i = 0; i < depth; i++) out = asArray ? [out] : { a: out };
  return out;
}

// Built once and shared: the fuzzer makes thousands of payloads, and a fresh megabyte per payload would be slow.
const HUGE = `${CANARY}${'x'.repeat(1024 * 1024)}`;
/** What a caller's `1e309` becomes (parsing overflows to Infinity); written so lint sees no lossy literal. */
const OVERFLOW = Number('1e309');
const PEM_BAIT = `-----BEGIN PRIVATE KEY-----${' '.repeat(4000)}!${CANARY}`;
const DEEP_OBJECT = nest(10_000, CANARY, false);
const DEEP_ARRAY = nest(10_000, CANARY, true);
const WIDE = Object.fromEntries(Array.from({ length: 6000 }, (_, i) => [`k${i}`, i]));

/** Values of every kind; a few are valid for some fields, which is why every payload also carries a poison. */
const NOISE: readonly (() => unknown)[] = [
  () => null,
  () => undefined,
  () => true,
  () => 0,
  () => -0,
  () => 1,
  () => -1,
  () => 1.5,
  () => Number.NaN,
  () => Number.POSITIVE_INFINITY,
  () => Number.NEGATIVE_INFINITY,
  () => OVERFLOW,
  () => Number.MAX_SAFE_INTEGER + 2,
  () => 5e-324,
  () => '',
  () => `${CANARY} `,
  () => `\u202e${CANARY}\u0000\ud800`,
  () => `${CANARY}🙂🏳️‍🌈ﷺ`,
  () => HUGE,
  () => PEM_BAIT,
  () => `${CANARY}${'a.'.repeat(2000)}!`,
  () => `NSE:${' '.repeat(40)}`,
  () => [],
  () => [CANARY, 1, null],
  () => ({}),
  () => ({ toString: CANARY }),
  () => new Date(0),
  () => new Map([[CANARY, 1]]),
  () => new Set([CANARY]),
  () => new Uint8Array(16),
  () => new Float64Array(4),
  () => new ArrayBuffer(8),
  () => DEEP_OBJECT,
  () => DEEP_ARRAY,
  () => WIDE,
];

export function noise(random: Random): unknown {
  return pick(random, NOISE)();
}

/** A value of the wrong type for a key whose valid sample value is `sample`: invalid whatever the key's other rules. */
function wrongType(random: Random, sample: unknown): unknown {
  if (typeof sample === 'string') return pick(random, [7, true, {}, [CANARY], Number.NaN, new Date(0)]);
  if (typeof sample === 'number')
    return pick(random, [String(sample), Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, OVERFLOW, {}, [1], true, new Date(0)]);
  if (typeof sample === 'boolean') return pick(random, ['true', 1, {}, [], new Map()]);
  if (sample === null) return pick(random, [CANARY, {}, [1], true, new Date(0)]);
  if (Array.isArray(sample)) return pick(random, [CANARY, 3, {}, new Set(sample), new Uint8Array(2)]);
  return pick(random, [CANARY, 3, [sample], new Date(0), new Map(), new ArrayBuffer(4), true]);
}

function withOwnKey(target: Record<string, unknown>, key: string, value: unknown): Record<string, unknown> {
  // An own, enumerable `__proto__` property, as JSON.parse or a structured clone makes it; assignment would set the prototype.
  Object.defineProperty(target, key, { value, enumerable: true, configurable: true, writable: true });
  return target;
}

/**
 * One payload the router must refuse: the valid sample with random noise in some of its keys, plus one poison
 * that makes it invalid for certain (the whole input of the wrong kind, an extra key, or a key of the wrong type).
 */
export function fuzzedPayload(random: Random, sample: Record<string, unknown>): unknown {
  const roll = random();
  if (roll < 0.15)
    return pick(random, [
      null,
      undefined,
      42,
      CANARY,
      [sample],
      new Date(0),
      new Map(Object.entries(sample)),
      new Set([1]),
      new Uint8Array(4),
      new ArrayBuffer(2),
      DEEP_OBJECT,
      DEEP_ARRAY,
      Object.assign(new (class Impostor {})(), sample),
    ]);
  const out: Record<string, unknown> = { ...sample };
  for (const key of Object.keys(sample)) if (random() < 0.3) out[key] = noise(random);
  const keys = Object.keys(sample);
  if (roll < 0.55 || keys.length === 0) {
    const extra = pick(random, ['__proto__', 'constructor', 'prototype', 'extra', 'ünïcødé', '\u202eevil', 'toString', 'a'.repeat(200)]);
    return withOwnKey(out, extra, pick(random, [{ polluted: true }, noise(random), { prototype: { polluted: true } }]));
  }
  const key = pick(random, keys);
  return withOwnKey(out, key, wrongType(random, sample[key]));
}

/**
 * Credentials that pass the IPC schema but that no descriptor accepts: each value holds a space and ends in '!',
 * and no field's pattern takes both. These reach the descriptor's length caps and patterns, where the PEM bait froze main.
 */
export function fuzzedFields(random: Random, descriptor: BrokerDescriptor, oneField = false): Record<string, string> {
  const baits = [
    PEM_BAIT,
    `-----BEGIN PRIVATE KEY-----${' '.repeat(400)}!`,
    `A ${'a'.repeat(300)}!`,
    `1 ${'1.'.repeat(200)}!`,
    `${'A1+/= '.repeat(80)}!`,
    `a ${'a-'.repeat(1000)}!`,
    `x ${'\t '.repeat(100)}!`,
  ];
  // Fields are checked in the descriptor's order and the first refusal ends the check: a partial update with one
  // field is how a bait reaches a field that comes after others.
  if (oneField) return { [pick(random, descriptor.fields).name]: pick(random, baits) };
  const fields: Record<string, string> = {};
  for (const field of descriptor.fields) if (random() < 0.7 || Object.keys(fields).length === 0) fields[field.name] = pick(random, baits);
  return fields;
}

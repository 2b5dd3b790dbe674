import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BroadRule, ErrorRule, ErrorTable } from '../../../src/main/brokers/errors-table';
import type { BrokerAdapter, BrokerError } from '../../../src/main/brokers/types';
import { BrokerDescriptorSchema, type BrokerId } from '../../../src/shared/brokers';
import { failure } from '../support';

/**
 * The broker conformance suite (Hummingbot's exchange_connector_test): one shape every broker fills with its own
 * simulator, canned answers and expectations. The suite owns the lifecycle, the checks every broker shares
 * (descriptor schema, each error-table entry maps as declared, linear-time patterns, a refused connection) and
 * the list of behaviours every broker must cover; a broker's cases file supplies only what is its own.
 *
 * Each case names the behaviours (sections) it covers. Cases run in the order the broker declares them, so a case
 * may rely on the simulator state an earlier one left (an order placed, then seen in the positions).
 */
export const SECTIONS = [
  'descriptor',
  'signIn',
  'instruments',
  'validate',
  'orders',
  'modify',
  'positions',
  'quotes',
  'errors',
  'rateLimits',
  'streaming',
  'history',
  'secrets',
  'specific',
  'books',
  'exits',
] as const;
export type Section = (typeof SECTIONS)[number];

/** What every broker family must fill: the behaviours the app relies on for any broker. */
export const REQUIRED_SECTIONS: readonly Section[] = ['signIn', 'validate', 'orders', 'positions', 'quotes', 'errors', 'rateLimits', 'secrets'];

export interface ConformanceCase {
  readonly sections: readonly Section[];
  readonly name: string;
  readonly run: () => unknown;
}

/** A case: the sections it covers, a name that says the behaviour, and `run`, which asserts it. */
export function behaviour(sections: Section | readonly Section[], name: string, run: () => unknown): ConformanceCase {
  return { sections: typeof sections === 'string' ? [sections] : sections, name, run };
}

/** One of a broker's error tables and how to drive the broker's real mapper with one entry's code or text. */
export interface ErrorTableProbe {
  readonly name: string;
  /** Any broker's table: the suite reads only the declared codes, patterns, examples and scopes. */
  readonly table: ErrorTable<never>;
  /** Builds a failed answer with this status, code or text, in this scope, and maps it with the broker's own function. */
  readonly map: (sample: { status?: number; code?: string; text?: string; scope?: string }) => BrokerError;
}

export interface BrokerConformance {
  readonly id: BrokerId;
  /** The id in the cases file's name, when loaded from one: it must be the broker's id. */
  readonly fileId?: string;
  readonly adapter: BrokerAdapter;
  /**
   * A variant (another sign-in or key type of a broker whose cases cover the shared behaviours) names that broker:
   * it need not repeat the sections the family fills.
   */
  readonly familyOf?: BrokerId;
  readonly hooks?: {
    readonly beforeAll?: () => unknown;
    readonly afterAll?: () => unknown;
    readonly beforeEach?: () => unknown;
    readonly afterEach?: () => unknown;
  };
  /** A call against a loopback port nothing listens on: it must fail with NETWORK. */
  readonly unreachable?: () => Promise<unknown>;
  readonly errorTables?: readonly ErrorTableProbe[];
  /** The broker's own cases, in the order they run. */
  readonly cases: readonly ConformanceCase[];
}

/**
 * Inputs that make a backtracking pattern try every split of a long run before failing at the last character
 * (the generic units of validation.test.ts, plus the rule's own example, its words and its characters, which are
 * what its quantifiers repeat).
 */
export function pumpInputs(length: number, example = ''): string[] {
  const generic = [' ', 'a', 'A', '0', 'a.', 'a-', 'A1+/=', ' \t', '1.', '='];
  const own = [example, ...example.split(/\s+/), ...new Set(example)].filter((unit) => unit.trim() !== '');
  const prefixes = ['A', '1', ...example.split(/\s+/).slice(0, 1)];
  return prefixes.flatMap((prefix) => [...generic, ...own].map((unit) => (prefix + unit.repeat(length)).slice(0, length - 1) + '!'));
}

/**
 * Milliseconds a synchronous call blocks, the fastest of up to three samples: a busy machine can inflate one or two,
 * a super-linear pattern is slow every time. The bound is generous: a quadratic pattern here takes seconds.
 */
function blockingMs(run: () => void): number {
  let fastest = Infinity;
  for (let sample = 0; sample < 3 && fastest >= MAX_PATTERN_MS; sample++) {
    const started = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - started);
  }
  return fastest;
}
const MAX_PATTERN_MS = 50;
/** Short lengths first: an exponential pattern shows at 24 characters, before a long input could hang the run. */
const PUMP_LENGTHS = [16, 24, 1_000, 20_000];

function scopeFor(rule: ErrorRule<never>): { scope?: string } {
  return rule.only ? { scope: rule.only[0] } : {};
}

function errorTableChecks(probe: ErrorTableProbe): void {
  describe(`errors: table ${probe.name}`, () => {
    const exact: [string, ErrorRule<never>][] = Object.entries(probe.table.exact);
    const broad: readonly BroadRule<never>[] = probe.table.broad;
    const status: [string, ErrorRule<never>][] = Object.entries(probe.table.status ?? {});

    it('declares at least one entry', () => {
      expect(exact.length + broad.length + status.length).toBeGreaterThan(0);
    });

    if (status.length > 0) {
      it.each(status)('HTTP %s maps as declared', (code, rule) => {
        const error = probe.map({ status: Number(code), ...scopeFor(rule) });
        expect([error.code, error.httpStatus]).toEqual([rule.code, Number(code)]);
      });
    }

    it.each(exact)('exact code %s maps as declared', (code, rule) => {
      const error = probe.map({ code, ...scopeFor(rule) });
      expect(error.code).toBe(rule.code);
    });

    it.each(broad.map((rule) => [rule.pattern.source, rule] as const))('broad pattern /%s/ maps its example as declared', (_source, rule) => {
      expect(rule.pattern.flags).not.toMatch(/[gy]/); // a stateful regex would match every other call only
      expect(rule.pattern.test(rule.example)).toBe(true);
      const error = probe.map({ text: rule.example, ...scopeFor(rule) });
      expect(error.code).toBe(rule.code);
    });

    it('every broad pattern runs in linear time on pump inputs', () => {
      for (const rule of broad) {
        for (const length of PUMP_LENGTHS) {
          for (const input of pumpInputs(length, rule.example)) {
            const ms = blockingMs(() => rule.pattern.test(input));
            expect({ pattern: rule.pattern.source, sample: input.slice(0, 12), length, fast: ms < MAX_PATTERN_MS }).toMatchObject({ fast: true });
          }
        }
      }
    });
  });
}

/** Registers the conformance tests for one broker, in its own describe with its own hooks (conformance.test.ts calls it). */
export function runConformance(broker: BrokerConformance): void {
  describe(`${broker.id} conformance`, () => {
    const { hooks } = broker;
    if (hooks?.beforeAll) beforeAll(hooks.beforeAll);
    if (hooks?.afterAll) afterAll(hooks.afterAll);
    if (hooks?.beforeEach) beforeEach(hooks.beforeEach);
    if (hooks?.afterEach) afterEach(hooks.afterEach);

    it('the adapter carries a descriptor for this id that passes the schema', () => {
      if (broker.fileId !== undefined) expect(broker.id).toBe(broker.fileId);
      expect(broker.adapter.descriptor.id).toBe(broker.id);
      expect(BrokerDescriptorSchema.parse(broker.adapter.descriptor)).toEqual(broker.adapter.descriptor);
    });

    it(broker.familyOf ? `is a variant of ${broker.familyOf}` : 'covers every required behaviour', () => {
      if (broker.familyOf) {
        expect(broker.familyOf).not.toBe(broker.id);
        return;
      }
      const covered = new Set(broker.cases.flatMap((c) => c.sections));
      expect(REQUIRED_SECTIONS.filter((s) => !covered.has(s))).toEqual([]);
      expect(broker.unreachable).toBeDefined();
      expect(broker.errorTables?.length ?? 0).toBeGreaterThan(0);
    });

    if (broker.unreachable) {
      const unreachable = broker.unreachable;
      it('errors: a refused connection is NETWORK', async () => {
        expect((await failure(unreachable())).code).toBe('NETWORK');
      });
    }
    for (const probe of broker.errorTables ?? []) errorTableChecks(probe);

    for (const c of broker.cases) it(`${c.sections.join(' + ')}: ${c.name}`, async () => c.run());

    if (!broker.familyOf && !broker.cases.some((c) => c.sections.includes('streaming'))) {
      it.todo('streaming: quotes and order updates arrive on the stream (once streaming exists)');
    }
  });
}

import { BrokerError, type BrokerErrorCode } from './types';

/**
 * A broker's error knowledge as data (CCXT's `exceptions: { exact, broad }`): exact broker error codes and broad
 * patterns over the broker's own text, each naming the BrokerError it becomes. One handler consults every table, so
 * a mapping can be read, audited and tested entry by entry (the broker conformance suite checks each one). What
 * depends on the HTTP status, headers or what the call was for stays in the broker's errors.ts, around the lookup.
 */

/** What one failed answer says: the broker's code and text, and the caller's context. */
export interface ErrorFacts {
  /** HTTP status of the answer. */
  readonly status: number;
  /** The broker's own error code, as text ('' or null when there is none). */
  readonly code?: string | null;
  /** The broker's own error text, unshortened (patterns test it; messages show `said`). */
  readonly text?: string | null;
  /** Where an entry applies: the call kind (login, read, order) or the body shape, as the broker defines it. */
  readonly scope?: string;
}

export interface ErrorRule<F extends ErrorFacts = ErrorFacts> {
  readonly code: BrokerErrorCode;
  /** The message in BrokerVault's words; may quote the broker's text only through brokerMessage. */
  readonly message: (facts: F) => string;
  /** The entry applies only in these scopes; everywhere when absent. */
  readonly only?: readonly string[];
}

export interface BroadRule<F extends ErrorFacts = ErrorFacts> extends ErrorRule<F> {
  /** Must run in linear time: no nested or overlapping quantifiers (broker text is hostile input). */
  readonly pattern: RegExp;
  /** A text the pattern matches, so the conformance suite can check the entry maps as declared. */
  readonly example: string;
}

export interface ErrorTable<F extends ErrorFacts = ErrorFacts> {
  /** Broker error codes (upper-cased where the broker's codes are letters) to the error they mean. */
  readonly exact: Readonly<Record<string, ErrorRule<F>>>;
  /** Patterns over the broker's text, tried in order; the first match wins. */
  readonly broad: readonly BroadRule<F>[];
  /** HTTP statuses that decide by themselves (CCXT's httpExceptions), for brokers whose status carries the class. */
  readonly status?: Readonly<Record<string, ErrorRule<F>>>;
}

function applies<F extends ErrorFacts>(rule: ErrorRule<F>, facts: F): boolean {
  return !rule.only || (facts.scope !== undefined && rule.only.includes(facts.scope));
}

/** The entry for the broker's exact code, if the table has one that applies here. */
export function exactRule<F extends ErrorFacts>(table: ErrorTable<F>, facts: F): ErrorRule<F> | null {
  const code = facts.code ?? '';
  if (!code || !Object.hasOwn(table.exact, code)) return null;
  const rule = table.exact[code]!;
  return applies(rule, facts) ? rule : null;
}

/** The first broad entry whose pattern matches the broker's text and applies here. */
export function broadRule<F extends ErrorFacts>(table: ErrorTable<F>, facts: F): BroadRule<F> | null {
  const text = facts.text ?? '';
  return table.broad.find((rule) => applies(rule, facts) && rule.pattern.test(text)) ?? null;
}

/** The entry for the answer's HTTP status, if the table has one that applies here. */
export function statusRule<F extends ErrorFacts>(table: ErrorTable<F>, facts: F): ErrorRule<F> | null {
  const key = String(facts.status);
  if (!table.status || !Object.hasOwn(table.status, key)) return null;
  const rule = table.status[key]!;
  return applies(rule, facts) ? rule : null;
}

export function ruleError<F extends ErrorFacts>(rule: ErrorRule<F>, facts: F): BrokerError {
  return new BrokerError(rule.code, rule.message(facts), facts.status);
}

/** The one handler: the exact code first, then the broad patterns; null when the table says nothing. */
export function tableError<F extends ErrorFacts>(table: ErrorTable<F>, facts: F): BrokerError | null {
  const rule = exactRule(table, facts) ?? broadRule(table, facts);
  return rule ? ruleError(rule, facts) : null;
}

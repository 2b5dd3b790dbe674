import type { Instrument, SymbolDialect } from '../brokers/types';

/**
 * OpenAlgo's symbols ↔ BrokerVault's common symbols (`EXCHANGE:SYMBOL`, each adapter's own form), in both
 * directions. OpenAlgo writes a symbol and an exchange apart: `SBIN` on `NSE`, `NIFTY` on `NSE_INDEX`,
 * `NIFTY28MAR24FUT` and `NIFTY28MAR2420800CE` on `NFO` (underlying, expiry as DDMMMYY, strike, CE/PE/FUT).
 *
 * Each broker's adapter declares how its master writes derivatives (`symbolDialect`, see SymbolDialect in
 * brokers/types.ts); paper without a broker uses OpenAlgo's own form.
 * Indices: OpenAlgo's `NSE_INDEX`/`BSE_INDEX` names (NIFTY, BANKNIFTY, SENSEX…) map to each master's index row.
 */
export type Dialect = SymbolDialect;

/** OpenAlgo's exchange codes BrokerVault understands. */
export const INDIAN_EXCHANGES = ['NSE', 'BSE', 'NFO', 'BFO', 'CDS', 'BCD', 'MCX', 'NSE_INDEX', 'BSE_INDEX'] as const;
export const US_EXCHANGES = ['US', 'NASDAQ', 'NYSE', 'AMEX', 'ARCA', 'BATS'] as const;
export const CRYPTO_EXCHANGES = ['CRYPTO'] as const;
export const OPENALGO_EXCHANGES = [...INDIAN_EXCHANGES, ...US_EXCHANGES, ...CRYPTO_EXCHANGES] as const;
export type OpenAlgoExchange = (typeof OPENALGO_EXCHANGES)[number];

const DERIVATIVE_EXCHANGES = new Set(['NFO', 'BFO', 'CDS', 'BCD', 'MCX']);
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
/** Kite's weekly month letter: 1–9, then O, N, D. */
const WEEKLY_MONTH = ['1', '2', '3', '4', '5', '6', '7', '8', '9', 'O', 'N', 'D'] as const;

/**
 * OpenAlgo's index names and the index rows of the masters, which write them as "NIFTY 50", "NIFTY" or
 * "NIFTY50-INDEX". The first is the default when no master lists any of them.
 */
const INDICES: Readonly<Record<string, { exchange: 'NSE' | 'BSE'; names: readonly string[] }>> = {
  NIFTY: { exchange: 'NSE', names: ['NIFTY 50', 'NIFTY', 'NIFTY50-INDEX'] },
  BANKNIFTY: { exchange: 'NSE', names: ['NIFTY BANK', 'BANKNIFTY', 'NIFTYBANK-INDEX'] },
  FINNIFTY: { exchange: 'NSE', names: ['NIFTY FIN SERVICE', 'FINNIFTY', 'FINNIFTY-INDEX'] },
  MIDCPNIFTY: { exchange: 'NSE', names: ['NIFTY MID SELECT', 'MIDCPNIFTY', 'MIDCPNIFTY-INDEX'] },
  NIFTYNXT50: { exchange: 'NSE', names: ['NIFTY NEXT 50', 'NIFTYNXT50', 'NIFTYNXT50-INDEX'] },
  INDIAVIX: { exchange: 'NSE', names: ['INDIA VIX', 'INDIAVIX', 'INDIAVIX-INDEX'] },
  SENSEX: { exchange: 'BSE', names: ['SENSEX', 'SENSEX-INDEX'] },
  BANKEX: { exchange: 'BSE', names: ['BANKEX', 'BANKEX-INDEX'] },
};

/** What mapping may look at: the broker's master where it has one. */
export interface SymbolLookup {
  find(symbol: string): Instrument | null;
}

export interface OpenAlgoSymbol {
  symbol: string;
  exchange: string;
}

/** A derivative contract, broker-neutral. */
export interface Contract {
  underlying: string;
  /** YYYY-MM-DD */
  expiry: string;
  /** FUT, or the option's right with its strike as written (e.g. "20800", "82.5"). */
  kind: 'FUT' | 'CE' | 'PE';
  strike: string | null;
}

export class SymbolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SymbolError';
  }
}

const OPENALGO_DERIVATIVE = /^([A-Z0-9&_-]+?)(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{2})(?:FUT|(\d+(?:\.\d+)?)(CE|PE))$/;

/** Parse OpenAlgo's derivative form (`NIFTY28MAR24FUT`, `NIFTY28MAR2420800CE`); null when it is not one. */
export function parseOpenAlgoContract(symbol: string): Contract | null {
  const m = OPENALGO_DERIVATIVE.exec(symbol);
  if (!m) return null;
  const [, underlying, dd, mon, yy, strike, right] = m;
  const month = MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1;
  const expiry = `20${yy}-${String(month).padStart(2, '0')}-${dd}`;
  if (!validDate(expiry)) return null;
  return { underlying: underlying!, expiry, kind: (right as 'CE' | 'PE' | undefined) ?? 'FUT', strike: strike ?? null };
}

export function formatOpenAlgoContract(c: Contract): string {
  const [yyyy, mm, dd] = c.expiry.split('-');
  const tail = c.kind === 'FUT' ? 'FUT' : `${c.strike}${c.kind}`;
  return `${c.underlying}${dd}${MONTHS[Number(mm) - 1]}${yyyy!.slice(2)}${tail}`;
}

function validDate(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === iso;
}

function tailOf(c: Contract): string {
  return c.kind === 'FUT' ? 'FUT' : `${c.strike}${c.kind}`;
}

/** The dialect's common-symbol bodies for one contract, most specific first. */
function contractBodies(dialect: Dialect, c: Contract): { body: string; dayless: boolean }[] {
  const [yyyy, mm, dd] = c.expiry.split('-') as [string, string, string];
  const yy = yyyy.slice(2);
  const mon = MONTHS[Number(mm) - 1]!;
  switch (dialect) {
    case 'yymmm': {
      const monthly = { body: `${c.underlying}${yy}${mon}${tailOf(c)}`, dayless: true };
      if (c.kind === 'FUT') return [monthly];
      return [{ body: `${c.underlying}${yy}${WEEKLY_MONTH[Number(mm) - 1]}${dd}${tailOf(c)}`, dayless: false }, monthly];
    }
    case 'dashed': {
      const m = `${mon}${yyyy}`;
      return [{ body: c.kind === 'FUT' ? `${c.underlying}-${m}-FUT` : `${c.underlying}-${m}-${c.strike}-${c.kind}`, dayless: true }];
    }
    default:
      return [{ body: formatOpenAlgoContract(c), dayless: false }];
  }
}

/**
 * OpenAlgo symbol and exchange → the common symbol for a broker's dialect. With a master, the contract it lists
 * wins (a monthly-form symbol only when its expiry is the asked day, where the master gives expiries); without
 * one (or when the master lists none) the dialect's first form. Throws SymbolError in BrokerVault's words.
 */
export function toCommonSymbol(dialect: Dialect, input: OpenAlgoSymbol, master?: SymbolLookup | null): string {
  const symbol = input.symbol.trim().toUpperCase();
  const exchange = input.exchange.trim().toUpperCase();
  if (!symbol) throw new SymbolError('symbol is empty.');
  const indian = (INDIAN_EXCHANGES as readonly string[]).includes(exchange);
  const us = (US_EXCHANGES as readonly string[]).includes(exchange);
  const crypto = (CRYPTO_EXCHANGES as readonly string[]).includes(exchange);
  if (!indian && !us && !crypto) {
    throw new SymbolError(`exchange "${exchange.slice(0, 20)}" is not one BrokerVault knows. Use one of ${OPENALGO_EXCHANGES.join(', ')}.`);
  }
  if (indian && (dialect === 'us' || dialect === 'crypto')) {
    throw new SymbolError(`This connection does not trade on ${exchange}. Use exchange ${dialect === 'us' ? 'US (or NASDAQ, NYSE)' : 'CRYPTO'}.`);
  }
  if ((us || crypto) && (dialect === 'yymmm' || dialect === 'dashed')) {
    throw new SymbolError(`This connection trades Indian exchanges only; ${exchange} is not one of them.`);
  }
  if (us && dialect === 'crypto') throw new SymbolError(`This connection trades crypto only. Use exchange CRYPTO.`);
  if (us) return `US:${symbol}`;
  if (crypto) return `CRYPTO:${symbol.replace('/', '')}`;

  if (exchange === 'NSE_INDEX' || exchange === 'BSE_INDEX') {
    const index = INDICES[symbol];
    const home = exchange === 'NSE_INDEX' ? 'NSE' : 'BSE';
    const names = index && index.exchange === home ? index.names : [symbol];
    const found = master ? names.map((n) => `${home}:${n}`).find((s) => master.find(s)) : undefined;
    return found ?? `${home}:${preferredIndexName(dialect, names)}`;
  }
  if (!DERIVATIVE_EXCHANGES.has(exchange)) return `${exchange}:${symbol}`;

  const contract = parseOpenAlgoContract(symbol);
  if (!contract) {
    throw new SymbolError(
      `symbol "${symbol.slice(0, 40)}" is not a contract in OpenAlgo's form: underlying, expiry as DDMMMYY, then FUT or strike and CE/PE (e.g. NIFTY28MAR24FUT, NIFTY28MAR2420800CE).`,
    );
  }
  const bodies = contractBodies(dialect, contract);
  if (master) {
    for (const { body } of bodies) {
      const candidate = `${exchange}:${body}`;
      const row = master.find(candidate);
      if (row && (row.expiry === undefined || row.expiry === contract.expiry)) return candidate;
    }
  }
  return `${exchange}:${bodies[0]!.body}`;
}

function preferredIndexName(dialect: Dialect, names: readonly string[]): string {
  if (dialect === 'dashed') return names.find((n) => !n.includes(' ') && !n.endsWith('-INDEX')) ?? names[0]!;
  return names[0]!;
}

const KITE_WEEKLY = /^(\d{2})([1-9OND])(\d{2})(\d+(?:\.\d+)?)(CE|PE)$/;
const KITE_MONTHLY = /^(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(?:FUT|(\d+(?:\.\d+)?)(CE|PE))$/;
const DHAN_CONTRACT = /^(.+?)-(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{4})-(?:FUT|(\d+(?:\.\d+)?)-(CE|PE))$/;
/** Some masters carry the day only in the description: "NIFTY 26 Jan 27 FUT" (YY Mon DD). */
const DAY_IN_DESCRIPTION = / (\d{2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) (\d{2}) /i;

/** The expiry day a master row tells, from its expiry field or else its description. */
function dayOf(row: Instrument | null | undefined, yyyy: string, mm: string): string | null {
  if (row?.expiry && row.expiry.startsWith(`${yyyy}-${mm}`)) return row.expiry;
  const m = row ? DAY_IN_DESCRIPTION.exec(` ${row.name} `) : null;
  if (m && `20${m[1]}` === yyyy && String(MONTHS.indexOf(m[2]!.toUpperCase() as (typeof MONTHS)[number]) + 1).padStart(2, '0') === mm) {
    return `${yyyy}-${mm}-${m[3]}`;
  }
  return null;
}

/** A yymmm-dialect body split after its underlying: the master row's name is the underlying where it is a prefix. */
function yymmmContract(body: string, row: Instrument | null | undefined): Contract | null {
  const tryRest = (underlying: string, rest: string): Contract | null => {
    const weekly = KITE_WEEKLY.exec(rest);
    if (weekly) {
      const [, yy, m, dd, strike, right] = weekly;
      const expiry = `20${yy}-${String(WEEKLY_MONTH.indexOf(m as (typeof WEEKLY_MONTH)[number]) + 1).padStart(2, '0')}-${dd}`;
      return validDate(expiry) ? { underlying, expiry, kind: right as 'CE' | 'PE', strike: strike! } : null;
    }
    const monthly = KITE_MONTHLY.exec(rest);
    if (!monthly) return null;
    const [, yy, mon, strike, right] = monthly;
    const mm = String(MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1).padStart(2, '0');
    const expiry = dayOf(row, `20${yy}`, mm);
    if (!expiry) return null;
    return { underlying, expiry, kind: (right as 'CE' | 'PE' | undefined) ?? 'FUT', strike: strike ?? null };
  };
  const name = row?.name.trim().toUpperCase();
  if (name && /^[A-Z0-9&_-]+$/.test(name) && body.startsWith(name)) {
    const found = tryRest(name, body.slice(name.length));
    if (found) return found;
  }
  for (let i = 1; i < body.length; i++) {
    const found = tryRest(body.slice(0, i), body.slice(i));
    if (found) return found;
  }
  return null;
}

/**
 * A common symbol → OpenAlgo's symbol and exchange, for a broker's dialect (`row`: the master's row for it, which
 * tells a monthly contract's day). A derivative whose day no source tells keeps the broker's own body.
 */
export function fromCommonSymbol(dialect: Dialect, common: string, row?: Instrument | null): OpenAlgoSymbol {
  const colon = common.indexOf(':');
  const exchange = colon > 0 ? common.slice(0, colon).toUpperCase() : '';
  const body = colon > 0 ? common.slice(colon + 1).toUpperCase() : common.toUpperCase();
  if (exchange === 'US') {
    const listed = row?.exchange.toUpperCase();
    return { symbol: body, exchange: listed && (US_EXCHANGES as readonly string[]).includes(listed) ? listed : 'US' };
  }
  if (exchange === 'CRYPTO') return { symbol: body, exchange: 'CRYPTO' };
  if (exchange === 'NSE' || exchange === 'BSE') {
    for (const [name, index] of Object.entries(INDICES)) {
      if (index.exchange === exchange && index.names.includes(body)) return { symbol: name, exchange: `${exchange}_INDEX` };
    }
    return { symbol: body, exchange };
  }
  if (!DERIVATIVE_EXCHANGES.has(exchange)) return { symbol: body, exchange };
  let contract: Contract | null = null;
  if (dialect === 'yymmm') contract = yymmmContract(body, row);
  else if (dialect === 'dashed') {
    const m = DHAN_CONTRACT.exec(body);
    if (m) {
      const [, underlying, mon, yyyy, strike, right] = m;
      const expiry = dayOf(row, yyyy!, String(MONTHS.indexOf(mon as (typeof MONTHS)[number]) + 1).padStart(2, '0'));
      if (expiry) contract = { underlying: underlying!, expiry, kind: (right as 'CE' | 'PE' | undefined) ?? 'FUT', strike: strike ?? null };
    }
  } else contract = parseOpenAlgoContract(body);
  return { symbol: contract ? formatOpenAlgoContract(contract) : body, exchange };
}

/** The dialect when no broker's master is at hand (paper without a connection): OpenAlgo's own form. */
export const DEFAULT_DIALECT: Dialect = 'ddmmmyy';

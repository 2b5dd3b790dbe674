import { z } from 'zod';
import type { Instrument } from '../../brokers/types';
import { parseOpenAlgoContract } from '../symbols';
import { ApiError, type VerbContext } from '../verb';
import { callerVenue, defineVerb, fields, success, symbolsFor, type Symbols } from './common';

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/** The connection whose instruments answer: the live one, else the key's first active connection. */
async function lookup(ctx: VerbContext): Promise<Symbols & { connection: NonNullable<Symbols['connection']> }> {
  const symbols = await symbolsFor(ctx, callerVenue(ctx));
  if (!symbols.connection) {
    throw new ApiError(400, 'Instrument lookups need a broker connection: bind this API key to an active connection in the app.');
  }
  return symbols as Symbols & { connection: NonNullable<Symbols['connection']> };
}

/** One instrument in OpenAlgo's search fields: symbol and exchange in OpenAlgo's form, brsymbol/brexchange the broker's. */
function instrumentRow(i: Instrument, symbols: Symbols) {
  const oa = symbols.fromCommon(i.symbol);
  const contract = parseOpenAlgoContract(oa.symbol);
  const expiry = contract ? contract.expiry : (i.expiry ?? '');
  return {
    symbol: oa.symbol,
    exchange: oa.exchange,
    brsymbol: i.brokerSymbol,
    brexchange: i.exchange,
    name: i.name,
    token: i.token,
    expiry: expiry ? openAlgoDate(expiry) : '',
    strike: contract?.strike ? Number(contract.strike) : -1,
    instrumenttype: contract ? (contract.kind === 'FUT' ? 'FUT' : contract.kind) : i.segment,
    lotsize: i.lotSize,
    tick_size: i.tickSize,
  };
}

/** YYYY-MM-DD → OpenAlgo's DD-MMM-YY. */
function openAlgoDate(iso: string): string {
  const [yyyy, mm, dd] = iso.split('-');
  return `${dd}-${MONTHS[Number(mm) - 1]}-${yyyy!.slice(2)}`;
}

/** Instruments matching `query` in the connection's master, or its broker's live symbol search where it has no master. */
async function find(ctx: VerbContext, symbols: Symbols & { connection: { id: string } }, query: string, limit: number): Promise<Instrument[]> {
  const adapter = ctx.services.brokerCalls.adapterFor(symbols.connection.broker);
  return ctx.services.brokerCalls.call(
    symbols.connection.id,
    async (a, c) => (a.fetchInstruments || !a.searchSymbols ? c.instruments.search(query, limit) : a.searchSymbols(c, query, limit)),
    { needsInstruments: Boolean(adapter.fetchInstruments) },
  );
}

export const search = defineVerb({
  name: 'search',
  permission: 'read',
  input: z.strictObject({
    query: z.string().trim().min(1, 'is required').max(40, 'must be at most 40 characters'),
    exchange: fields.exchange.optional(),
  }),
  async run(ctx, input) {
    const symbols = await lookup(ctx);
    const rows = (await find(ctx, symbols, input.query, 50)).map((i) => instrumentRow(i, symbols));
    const exchange = input.exchange?.toUpperCase();
    const data = exchange ? rows.filter((r) => r.exchange === exchange) : rows;
    return success(data, { message: `Found ${data.length} matching symbols` });
  },
});

export const symbol = defineVerb({
  name: 'symbol',
  permission: 'read',
  input: z.strictObject({ symbol: fields.symbol, exchange: fields.exchange }),
  async run(ctx, input) {
    const symbols = await lookup(ctx);
    const common = symbols.toCommon(input);
    const found = symbols.master
      ? symbols.instrument(common)
      : ((await find(ctx, symbols, common.slice(common.indexOf(':') + 1), 20)).find((i) => i.symbol === common) ?? null);
    if (!found) throw new ApiError(404, `${input.exchange.toUpperCase()}:${input.symbol.toUpperCase()} is not in the broker's instrument list.`);
    return success(instrumentRow(found, symbols));
  },
});

/** expiry: the expiry dates (DD-MMM-YY, soonest first) of an underlying's futures or options on a derivatives exchange. */
export const expiry = defineVerb({
  name: 'expiry',
  permission: 'read',
  input: z.strictObject({
    symbol: fields.symbol,
    exchange: z.enum(['NFO', 'BFO', 'MCX', 'CDS', 'BCD'], { message: 'must be one of NFO, BFO, MCX, CDS, BCD' }),
    instrumenttype: z.enum(['futures', 'options'], { message: 'must be futures or options' }),
  }),
  async run(ctx, input) {
    const symbols = await lookup(ctx);
    if (!symbols.master) {
      throw new ApiError(400, 'Expiry dates come from an Indian broker’s instrument master, and this key’s connection has none available.');
    }
    const underlying = input.symbol.toUpperCase();
    const dates = new Set<string>();
    // Every contract of the underlying: a whole day's F&O master holds tens of thousands of rows.
    for (const i of await find(ctx, symbols, underlying, 100_000)) {
      const oa = symbols.fromCommon(i.symbol);
      const contract = oa.exchange === input.exchange ? parseOpenAlgoContract(oa.symbol) : null;
      if (!contract || contract.underlying !== underlying) continue;
      if ((input.instrumenttype === 'futures') === (contract.kind === 'FUT')) dates.add(contract.expiry);
    }
    return success([...dates].sort().map(openAlgoDate), {
      message: `Found ${dates.size} expiry dates for ${underlying} ${input.instrumenttype} in ${input.exchange}`,
    });
  },
});

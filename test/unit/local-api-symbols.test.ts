import { describe, expect, it } from 'vitest';
import { BROKER_IDS, type BrokerId } from '../../src/shared/brokers';
import { BROKERS } from '../../src/main/brokers/registry';
import { MemoryInstrumentMaster, type Instrument } from '../../src/main/brokers/types';
import { parseKiteInstruments } from '../../src/main/brokers/zerodha/instruments';
import { parseScripMaster as parseAngel } from '../../src/main/brokers/angel-one/instruments';
import { parseScripMaster as parseDhan } from '../../src/main/brokers/dhan/instruments';
import { MASTER_FILES, parseFyersMaster } from '../../src/main/brokers/fyers/instruments';
import { parseMaster as parseXts } from '../../src/main/brokers/xts/instruments';
import { MASTER_SEGMENTS } from '../../src/main/brokers/xts/config';
import { INSTRUMENTS_CSV } from '../simulators/zerodha/instruments';
import { SCRIP_MASTER } from '../simulators/angel-one/scrip';
import { SCRIP_CSV } from '../simulators/dhan/scrip';
import { masterCsv } from '../simulators/fyers/master';
import { masterText } from '../simulators/xts/instruments';
import { SymbolError, fromCommonSymbol, parseOpenAlgoContract, toCommonSymbol, type Dialect, type OpenAlgoSymbol } from '../../src/main/local-api/symbols';

const DIALECTS: readonly Dialect[] = ['ddmmmyy', 'yymmm', 'dashed', 'us', 'crypto'];

/** Each Indian adapter's instruments, parsed by the adapter's own parser from its simulator's master. */
const MASTERS: { broker: BrokerId; instruments: Instrument[] }[] = [
  { broker: 'zerodha', instruments: parseKiteInstruments(INSTRUMENTS_CSV) },
  { broker: 'angel-one', instruments: parseAngel(SCRIP_MASTER) },
  { broker: 'dhan', instruments: parseDhan(SCRIP_CSV) },
  { broker: 'fyers', instruments: MASTER_FILES.flatMap((f) => parseFyersMaster(masterCsv(f) ?? '')) },
  { broker: 'xts-iifl', instruments: parseXts(masterText(MASTER_SEGMENTS, () => 100)) },
];

/** What each broker's master must map to in OpenAlgo's form (and back), per broker. */
const EXPECTED: Record<string, [common: string, openalgo: OpenAlgoSymbol][]> = {
  zerodha: [
    ['NSE:INFY', { symbol: 'INFY', exchange: 'NSE' }],
    ['BSE:SBIN', { symbol: 'SBIN', exchange: 'BSE' }],
    ['NFO:NIFTY26JANFUT', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' }],
    ['NSE:NIFTY 50', { symbol: 'NIFTY', exchange: 'NSE_INDEX' }],
    ['BCD:USDINR26JANFUT', { symbol: 'USDINR28JAN26FUT', exchange: 'BCD' }],
  ],
  'angel-one': [
    ['NSE:SBIN', { symbol: 'SBIN', exchange: 'NSE' }],
    ['NFO:NIFTY27JAN26FUT', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' }],
    ['NFO:NIFTY27JAN2624000CE', { symbol: 'NIFTY27JAN2624000CE', exchange: 'NFO' }],
    ['NSE:NIFTY 50', { symbol: 'NIFTY', exchange: 'NSE_INDEX' }],
  ],
  dhan: [
    ['NSE:HDFCBANK', { symbol: 'HDFCBANK', exchange: 'NSE' }],
    ['NFO:NIFTY-JAN2026-FUT', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' }],
    ['NSE:NIFTY', { symbol: 'NIFTY', exchange: 'NSE_INDEX' }],
  ],
  fyers: [
    ['NSE:SBIN', { symbol: 'SBIN', exchange: 'NSE' }],
    ['BSE:RELIANCE', { symbol: 'RELIANCE', exchange: 'BSE' }],
    ['NFO:NIFTY26JANFUT', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' }],
    ['NFO:BAJAJ-AUTO26JANFUT', { symbol: 'BAJAJ-AUTO27JAN26FUT', exchange: 'NFO' }],
  ],
  'xts-iifl': [
    ['NSE:RELIANCE', { symbol: 'RELIANCE', exchange: 'NSE' }],
    ['NFO:NIFTY26JANFUT', { symbol: 'NIFTY27JAN26FUT', exchange: 'NFO' }],
    ['NFO:NIFTY26JAN24000CE', { symbol: 'NIFTY27JAN2624000CE', exchange: 'NFO' }],
    ['MCX:CRUDEOIL26JANFUT', { symbol: 'CRUDEOIL27JAN26FUT', exchange: 'MCX' }],
  ],
};

describe('OpenAlgo symbols ↔ each Indian broker’s instruments', () => {
  for (const { broker, instruments } of MASTERS) {
    const dialect = BROKERS[broker].symbolDialect;
    const master = new MemoryInstrumentMaster(instruments);
    it.each(EXPECTED[broker]!)(`${broker}: %s ↔ %o`, (common, openalgo) => {
      const row = master.find(common);
      expect(row, `${common} is in ${broker}'s master`).not.toBeNull();
      expect(fromCommonSymbol(dialect, common, row)).toEqual(openalgo);
      expect(toCommonSymbol(dialect, openalgo, master)).toBe(common);
    });

    it(`${broker}: every instrument of its master maps to OpenAlgo's form and back to itself`, () => {
      const derivatives = instruments.filter((i) => ['NFO', 'BFO', 'CDS', 'BCD', 'MCX'].includes(i.exchange));
      expect(derivatives.length, `${broker}'s simulator master has derivatives`).toBeGreaterThan(0);
      for (const row of instruments) {
        const openalgo = fromCommonSymbol(dialect, row.symbol, row);
        if (derivatives.includes(row)) expect(parseOpenAlgoContract(openalgo.symbol), `${row.symbol} → ${openalgo.symbol}`).not.toBeNull();
        expect(toCommonSymbol(dialect, openalgo, master), `${row.symbol} via ${openalgo.exchange}:${openalgo.symbol}`).toBe(row.symbol);
      }
    });
  }

  it('covers every broker with a dialect', () => {
    for (const id of BROKER_IDS) expect(DIALECTS, id).toContain(BROKERS[id].symbolDialect);
  });
});

describe('OpenAlgo derivative symbols without a master', () => {
  const contract = { symbol: 'NIFTY28MAR2420800CE', exchange: 'NFO' };
  it.each<[Dialect, OpenAlgoSymbol, string]>([
    ['ddmmmyy', contract, 'NFO:NIFTY28MAR2420800CE'],
    ['yymmm', contract, 'NFO:NIFTY2432820800CE'],
    ['yymmm', { symbol: 'BANKNIFTY24APR24FUT', exchange: 'NFO' }, 'NFO:BANKNIFTY24APRFUT'],
    ['dashed', contract, 'NFO:NIFTY-MAR2024-20800-CE'],
    ['dashed', { symbol: 'NIFTY', exchange: 'NSE_INDEX' }, 'NSE:NIFTY'],
    ['yymmm', { symbol: 'SENSEX', exchange: 'BSE_INDEX' }, 'BSE:SENSEX'],
    ['ddmmmyy', { symbol: 'USDINR10MAY24FUT', exchange: 'CDS' }, 'CDS:USDINR10MAY24FUT'],
  ])('%s: %o → %s', (dialect, openalgo, common) => {
    expect(toCommonSymbol(dialect, openalgo, null)).toBe(common);
  });

  it('a kite weekly option carries its day, so it maps back without a master', () => {
    expect(fromCommonSymbol('yymmm', 'NFO:NIFTY2432820800CE')).toEqual(contract);
  });

  it('a monthly symbol whose day no source tells keeps the broker’s own body', () => {
    expect(fromCommonSymbol('yymmm', 'NFO:NIFTY24MARFUT')).toEqual({ symbol: 'NIFTY24MARFUT', exchange: 'NFO' });
  });

  it('a master’s monthly contract of another day is not taken for the asked one', () => {
    const master = new MemoryInstrumentMaster([
      {
        symbol: 'NFO:NIFTY26JAN24000CE',
        exchange: 'NFO',
        brokerSymbol: 'x',
        token: '1',
        name: 'NIFTY',
        lotSize: 75,
        tickSize: 0.05,
        segment: 'NFO',
        expiry: '2026-01-27',
      },
    ]);
    // 13 Jan is a weekly expiry: its kite form is NIFTY2611324000CE, not the monthly row.
    expect(toCommonSymbol('yymmm', { symbol: 'NIFTY13JAN2624000CE', exchange: 'NFO' }, master)).toBe('NFO:NIFTY2611324000CE');
    expect(toCommonSymbol('yymmm', { symbol: 'NIFTY27JAN2624000CE', exchange: 'NFO' }, master)).toBe('NFO:NIFTY26JAN24000CE');
  });
});

describe('US and crypto brokers', () => {
  it.each<[Dialect, OpenAlgoSymbol, string]>([
    ['us', { symbol: 'AAPL', exchange: 'NASDAQ' }, 'US:AAPL'],
    ['us', { symbol: 'ibm', exchange: 'NYSE' }, 'US:IBM'],
    ['us', { symbol: 'BRK/B', exchange: 'US' }, 'US:BRK/B'],
    ['us', { symbol: 'BTCUSD', exchange: 'CRYPTO' }, 'CRYPTO:BTCUSD'],
    ['crypto', { symbol: 'ETH/USDT', exchange: 'CRYPTO' }, 'CRYPTO:ETHUSDT'],
  ])('%s: %o → %s', (dialect, openalgo, common) => {
    expect(toCommonSymbol(dialect, openalgo, null)).toBe(common);
  });

  it('maps back to US (or the listing exchange a search row names) and CRYPTO', () => {
    expect(fromCommonSymbol('us', 'US:AAPL')).toEqual({ symbol: 'AAPL', exchange: 'US' });
    expect(fromCommonSymbol('us', 'US:MSFT', { symbol: 'US:MSFT', exchange: 'NASDAQ' } as Instrument)).toEqual({ symbol: 'MSFT', exchange: 'NASDAQ' });
    expect(fromCommonSymbol('crypto', 'CRYPTO:BTCUSDT')).toEqual({ symbol: 'BTCUSDT', exchange: 'CRYPTO' });
  });

  it.each<[Dialect, OpenAlgoSymbol, RegExp]>([
    ['us', { symbol: 'SBIN', exchange: 'NSE' }, /does not trade on NSE/],
    ['crypto', { symbol: 'AAPL', exchange: 'NASDAQ' }, /crypto only/],
    ['yymmm', { symbol: 'AAPL', exchange: 'NASDAQ' }, /Indian exchanges only/],
    ['yymmm', { symbol: 'SBIN', exchange: 'LSE' }, /exchange "LSE" is not one BrokerVault knows/],
    ['yymmm', { symbol: 'NIFTY24MARFUT', exchange: 'NFO' }, /not a contract in OpenAlgo's form/],
    ['ddmmmyy', { symbol: 'NIFTY31FEB24FUT', exchange: 'NFO' }, /not a contract/],
  ])('%s refuses %o', (dialect, openalgo, message) => {
    expect(() => toCommonSymbol(dialect, openalgo, null)).toThrow(SymbolError);
    expect(() => toCommonSymbol(dialect, openalgo, null)).toThrow(message);
  });
});

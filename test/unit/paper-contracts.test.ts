import { afterEach, describe, expect, it } from 'vitest';
import { parseKiteInstruments } from '../../src/main/brokers/zerodha/instruments';
import { openDatabase, type Db } from '../../src/main/store/db';
import { InstrumentsRepo } from '../../src/main/store/instruments-repo';
import { tempDir } from '../support/graph';

/** The paper engine's F&O contract lookup: lot size and expiry from a downloaded instrument master. */

const open: Db[] = [];
afterEach(() => open.splice(0).forEach((db) => db.open && db.close()));

const KITE_DUMP = [
  'instrument_token,exchange_token,tradingsymbol,name,last_price,expiry,strike,tick_size,lot_size,instrument_type,segment,exchange',
  '408065,1594,INFY,"INFOSYS",0.0,,0.0,0.05,1,EQ,NSE,NSE',
  '13368834,52222,NIFTY26DECFUT,"NIFTY",0.0,2026-12-29,0.0,0.1,75,FUT,NFO-FUT,NFO',
].join('\n');

describe('instrument masters → paper contracts', () => {
  it('reads the expiry of derivatives from the Kite dump, and none for equities', () => {
    const [infy, fut] = parseKiteInstruments(KITE_DUMP);
    expect(infy).not.toHaveProperty('expiry');
    expect(fut).toMatchObject({ symbol: 'NFO:NIFTY26DECFUT', lotSize: 75, expiry: '2026-12-29' });
  });

  it('stores it and answers the paper engine with lot size and expiry, null for unknown symbols', () => {
    const db = openDatabase(tempDir());
    open.push(db);
    const repo = new InstrumentsRepo(db);
    repo.replace('zerodha', parseKiteInstruments(KITE_DUMP), '2026-12-07', 1);
    expect(repo.contract('NFO:NIFTY26DECFUT')).toEqual({ lotSize: 75, expiry: '2026-12-29' });
    expect(repo.contract('NSE:INFY')).toEqual({ lotSize: 1, expiry: null });
    expect(repo.contract('NFO:UNKNOWN')).toBeNull();
    expect(repo.master('zerodha').find('NFO:NIFTY26DECFUT')).toMatchObject({ expiry: '2026-12-29' });
  });
});

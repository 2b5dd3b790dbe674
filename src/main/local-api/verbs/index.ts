import type { Verb } from '../verb';
import { analyzer, analyzerToggle } from './analyzer';
import { funds, holdings, openposition, orderbook, orderstatus, positionbook, tradebook } from './books';
import { expiry, search, symbol } from './instruments';
import { depth, history, intervals, quotes } from './market';
import { ping } from './ping';

/** Every verb under /api/v1, each in OpenAlgo's names and shapes (docs/api.md, "Verbs"). */
export const ALL_VERBS: Verb[] = [
  orderstatus,
  openposition,
  orderbook,
  tradebook,
  positionbook,
  holdings,
  funds,
  quotes,
  depth,
  history,
  intervals,
  search,
  symbol,
  expiry,
  ping,
  analyzer,
  analyzerToggle,
] as Verb[];

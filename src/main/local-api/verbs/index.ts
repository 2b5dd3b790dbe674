import type { Verb } from '../verb';
import { analyzer, analyzerToggle } from './analyzer';
import { funds, holdings, openposition, orderbook, orderstatus, positionbook, tradebook } from './books';
import { cancelallorder, cancelorder, closeposition, modifyorder } from './changes';
import { expiry, search, symbol } from './instruments';
import { depth, history, intervals, quotes } from './market';
import { ping } from './ping';
import { basketorder, placeorder, placesmartorder, splitorder } from './place';

/** Every verb under /api/v1, each in OpenAlgo's names and shapes (docs/api.md, "Verbs"). */
export const ALL_VERBS: Verb[] = [
  placeorder,
  placesmartorder,
  basketorder,
  splitorder,
  modifyorder,
  cancelorder,
  cancelallorder,
  closeposition,
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

import type { OrderSide } from '../../shared/orders';
import type { Mode, PnlCurve } from '../../shared/schemas';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { OrdersRepo } from '../store/orders-repo';
import { dayBounds, dayOf, isValidTimeZone } from './schedule-time';
import type { Venue } from './venue';

/** One fill as the journal knows it: an order's filled quantity at its average price, at the time it was recorded. */
export interface Fill {
  symbol: string;
  side: OrderSide;
  quantity: number;
  price: number;
  at: number;
}

interface Holding {
  quantity: number;
  /** Average cost of the open quantity (long or short). */
  average: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Apply one fill to a holding on average cost; returns the P&L it realised (shorts included). */
export function applyFill(h: Holding, fill: Pick<Fill, 'side' | 'quantity' | 'price'>): number {
  const signed = fill.side === 'BUY' ? fill.quantity : -fill.quantity;
  if (h.quantity === 0 || Math.sign(h.quantity) === Math.sign(signed)) {
    const size = Math.abs(h.quantity) + fill.quantity;
    h.average = (h.average * Math.abs(h.quantity) + fill.price * fill.quantity) / size;
    h.quantity += signed;
    return 0;
  }
  const closing = Math.min(fill.quantity, Math.abs(h.quantity));
  const realized = closing * (fill.price - h.average) * Math.sign(h.quantity);
  h.quantity += signed;
  // Crossed zero: what is left opens the other way at the fill price.
  if (Math.abs(signed) > closing) h.average = fill.price;
  if (h.quantity === 0) h.average = 0;
  return realized;
}

/**
 * The curve of one day: fills before `from` build the positions carried into the day; from `from` on, each fill adds
 * a point (realised on the day so far, open positions marked at the last fill price of their symbol). The last point,
 * at `to`, marks at `finalMarks` where given. Pure, for tests with worked numbers.
 */
export function curveOf(
  fills: readonly Fill[],
  from: number,
  to: number,
  finalMarks: ReadonlyMap<string, number>,
): { points: PnlCurve['points']; open: string[]; dayFills: number } {
  const book = new Map<string, Holding>();
  const last = new Map<string, number>();
  let realized = 0;
  let dayFills = 0;
  const unrealized = (marks: ReadonlyMap<string, number>) => {
    let sum = 0;
    for (const [symbol, h] of book) if (h.quantity !== 0) sum += h.quantity * ((marks.get(symbol) ?? last.get(symbol) ?? h.average) - h.average);
    return sum;
  };
  const point = (time: number, marks: ReadonlyMap<string, number> = last) => {
    const u = unrealized(marks);
    return { time, realized: round2(realized), unrealized: round2(u), total: round2(realized + u) };
  };
  const points: PnlCurve['points'] = [];
  let started = false;
  for (const fill of fills) {
    if (fill.at >= to) break;
    if (fill.at >= from && !started) {
      points.push(point(from));
      started = true;
    }
    let h = book.get(fill.symbol);
    if (!h) book.set(fill.symbol, (h = { quantity: 0, average: 0 }));
    const r = applyFill(h, fill);
    last.set(fill.symbol, fill.price);
    if (fill.at >= from) {
      realized += r;
      dayFills++;
      points.push(point(fill.at));
    }
  }
  if (!started) points.push(point(from));
  points.push(point(to, new Map([...last, ...finalMarks])));
  const open = [...book].filter(([, h]) => h.quantity !== 0).map(([symbol]) => symbol);
  return { points, open, dayFills };
}

export interface PnlCurvesDeps {
  repo: Pick<OrdersRepo, 'filled'>;
  clock: Clock;
  /** The venue of an account, for quotes marking today's last point. */
  venue: (account: { mode: Mode; connectionId: string | null }) => Venue;
  /** When the paper account was last reset (its book starts flat then); null if never. */
  paperResetAt: () => number | null;
}

/**
 * Main process, trading: P&L curves per account and day, computed from the order journal (every order, paper or live,
 * goes through it): realised P&L on average cost from each order's fill, plus open positions marked. Paper counts
 * from its last reset; a live account counts the orders BrokerVault journaled (orders placed elsewhere are not in it).
 */
export class PnlCurves {
  constructor(private readonly deps: PnlCurvesDeps) {}

  async curve(input: { account: 'paper' | string; day?: string; timeZone: string }): Promise<PnlCurve> {
    if (!isValidTimeZone(input.timeZone)) throw new AppError('INVALID_INPUT', `"${input.timeZone}" is not a time zone BrokerVault knows.`);
    const now = this.deps.clock.now();
    const day = input.day ?? dayOf(now, input.timeZone);
    const { start, end } = dayBounds(day, input.timeZone);
    if (!(start < end) || dayOf(start, input.timeZone) !== day) throw new AppError('INVALID_INPUT', `${day} is not a calendar day.`);
    if (start > now) throw new AppError('INVALID_INPUT', `${day} has not begun yet in ${input.timeZone}.`);
    const account = input.account === 'paper' ? { mode: 'paper' as const, connectionId: null } : { mode: 'live' as const, connectionId: input.account };
    const to = Math.min(end, now);
    const since = account.mode === 'paper' ? (this.deps.paperResetAt() ?? 0) : 0;
    const fills: Fill[] = this.deps.repo.filled(account.mode, account.connectionId, since, to).map((o) => ({
      symbol: o.symbol,
      side: o.side,
      quantity: o.filledQuantity,
      price: o.averagePrice!,
      at: o.updatedAt,
    }));
    const draft = curveOf(fills, start, to, new Map());
    let marked: PnlCurve['marked'] = draft.open.length === 0 ? 'flat' : 'last-fill';
    let result = draft;
    // Today, the last point marks open positions at the venue's quotes (where it has them).
    if (draft.open.length > 0 && to === now) {
      const marks = await this.quotes(account, draft.open);
      if (marks.size > 0) {
        result = curveOf(fills, start, to, marks);
        marked = 'quote';
      }
    }
    return {
      account: input.account,
      mode: account.mode,
      day,
      timeZone: input.timeZone,
      from: start,
      to,
      fills: result.dayFills,
      marked,
      points: result.points,
    };
  }

  private async quotes(account: { mode: Mode; connectionId: string | null }, symbols: string[]): Promise<Map<string, number>> {
    try {
      const quotes = await this.deps.venue(account).quotes(symbols);
      return new Map(quotes.filter((q) => symbols.includes(q.symbol) && Number.isFinite(q.last) && q.last > 0).map((q) => [q.symbol, q.last]));
    } catch {
      return new Map();
    }
  }
}

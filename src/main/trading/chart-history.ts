import { CHART_INTERVALS, INTERVAL_MS, MAX_CHART_BARS, type Candle, type ChartInterval } from '../../shared/charts';
import type { Clock } from '../clock';
import { AppError } from '../errors';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import { simulatedCandles } from './paper/simulated-candles';

/** Bars shown when the chart asks without a range. */
const DEFAULT_BARS = 300;

export interface ChartHistoryRequest {
  symbol: string;
  interval: ChartInterval;
  from?: number;
  to?: number;
}

export interface ChartHistoryAnswer {
  symbol: string;
  interval: ChartInterval;
  simulated: boolean;
  intervals: ChartInterval[];
  candles: Candle[];
}

export interface ChartHistoryDeps {
  brokers: BrokerService;
  connections: ConnectionService;
  clock: Clock;
  /** The connection whose prices the trader sees for `symbol` now: the live one, or paper's pricing connection; null = simulated. */
  sourceFor(symbol: string): string | null;
}

/**
 * Chart bars from the same place the trader's prices come from: in live mode the live connection's historical
 * endpoint, in paper mode the connection that prices the symbol, else BrokerVault's simulated feed (labelled).
 */
export class ChartHistory {
  constructor(private readonly d: ChartHistoryDeps) {}

  async history(request: ChartHistoryRequest): Promise<ChartHistoryAnswer> {
    const { symbol, interval } = request;
    const now = this.d.clock.now();
    const length = INTERVAL_MS[interval];
    const to = request.to ?? now + 1;
    const from = request.from ?? to - DEFAULT_BARS * length;
    if ((to - from) / length > MAX_CHART_BARS) {
      throw new AppError(
        'INVALID_INPUT',
        `A chart shows at most ${MAX_CHART_BARS.toLocaleString('en-US')} bars at once; choose a shorter range or a longer interval.`,
      );
    }
    const connectionId = this.d.sourceFor(symbol);
    if (connectionId === null) {
      return { symbol, interval, simulated: true, intervals: [...CHART_INTERVALS], candles: simulatedCandles(symbol, interval, from, to, now) };
    }
    const connection = this.d.connections.find(connectionId);
    const adapter = connection ? this.d.brokers.adapterFor(connection.broker) : null;
    if (!connection || !adapter?.history || !adapter.historyIntervals) {
      throw new AppError('NOT_SUPPORTED', `${connection?.label ?? 'This connection'} offers no chart history in this version of BrokerVault.`);
    }
    const intervals = [...adapter.historyIntervals];
    if (!intervals.includes(interval)) {
      throw new AppError('NOT_SUPPORTED', `${adapter.descriptor.name} has no ${interval} bars; it offers ${intervals.join(', ')}.`);
    }
    const candles = await this.d.brokers.call(connectionId, (a, ctx) => a.history!(ctx, symbol, interval, from, to), { needsInstruments: true });
    return { symbol, interval, simulated: false, intervals, candles: candles.filter((c) => c.time >= from && c.time < to).sort((a, b) => a.time - b.time) };
  }
}

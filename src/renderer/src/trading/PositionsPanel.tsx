import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Pnl } from '../components/Pnl';
import { Spinner } from '../components/Spinner';
import { num } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';
import { useLive, want } from '../live/store';

type Positions = ChannelOutput<'positions:list'>;
type PositionRow = Positions['positions'][number];

/**
 * The broker's own P&L per unit of price move (a contract multiplier where the broker applies one), read from its
 * last report; 1 when the report cannot tell.
 */
function multiplierOf(p: PositionRow): number {
  if (p.lastPrice === null || p.unrealizedPnl === null) return 1;
  const move = (p.lastPrice - p.averagePrice) * p.quantity;
  if (Math.abs(move) < 1e-9) return 1;
  const m = p.unrealizedPnl / move;
  return Number.isFinite(m) && m >= 1 && Math.abs(m - Math.round(m)) < 0.01 ? Math.round(m) : 1;
}

/** A live-mode position revalued at the streamed price, with the broker's own P&L rule; as reported otherwise. */
export function revalue(p: PositionRow, last: number | undefined): PositionRow {
  if (last === undefined) return p;
  return { ...p, lastPrice: last, unrealizedPnl: (last - p.averagePrice) * p.quantity * multiplierOf(p) };
}

/** Open positions of the current mode with P&L; refreshed when orders change. */
export function PositionsPanel({ onPick, onChart }: { onPick(symbol: string): void; onChart?(symbol: string): void }) {
  const orders = useApp((s) => s.orders);
  const mode = useApp((s) => s.mode.mode);
  const [data, setData] = useState<Positions | null>(null);
  const { busy, error, run } = useAction();
  const fingerprint = orders.map((o) => `${o.id}:${o.state}:${o.filledQuantity}`).join(',');
  const symbols = mode === 'live' && data ? data.positions.map((p) => p.symbol).join(',') : '';
  const liveQuotes = useLive((s) => s.quotes);
  // Paper positions are valued in main, each at its own feed: read them again when main says streamed prices moved them.
  const repriced = useLive((s) => (mode === 'paper' ? s.paperRepriced : 0));
  const watched = useLive((s) => s.watched);
  // Live positions come from the broker that streams them: the same source, so the streamed price can revalue them.
  const streamed = (symbol: string) => (mode === 'live' && watched[symbol]?.source === 'stream' ? liveQuotes[symbol]?.last : undefined);

  useEffect(() => {
    want('positions', symbols ? symbols.split(',') : []);
    return () => want('positions', []);
  }, [symbols]);

  useEffect(() => {
    if (repriced > 0) {
      // A quiet re-read: no spinner every second.
      void unwrap(getApi().positions.list()).then(setData, () => undefined);
    }
  }, [repriced]);

  useEffect(() => {
    void run(async () => setData(await unwrap(getApi().positions.list())));
    const timer = setInterval(() => void unwrap(getApi().positions.list()).then(setData, () => undefined), 10_000);
    return () => clearInterval(timer);
  }, [run, fingerprint, mode]);

  return (
    <section className="panel" aria-labelledby="positions-h">
      <div className="panel-head">
        <h2 id="positions-h">Positions</h2>
        {busy && <Spinner label="Loading positions…" />}
      </div>
      <ErrorText error={error} />
      {data && data.positions.length === 0 ? (
        <p className="muted empty-inline">No open positions{mode === 'live' ? ' in this account' : ' in paper'}.</p>
      ) : (
        data && (
          <table className="table" aria-label="Positions">
            <thead>
              <tr>
                <th scope="col">Symbol</th>
                <th scope="col" className="num">
                  Qty
                </th>
                <th scope="col" className="num">
                  Avg
                </th>
                <th scope="col" className="num">
                  Last
                </th>
                <th scope="col" className="num">
                  Unrealised P&amp;L
                </th>
                <th scope="col" className="num">
                  Realised
                </th>
              </tr>
            </thead>
            <tbody>
              {data.positions
                .map((reported) => revalue(reported, streamed(reported.symbol)))
                .map((p) => (
                  <tr key={p.symbol} data-testid="position-row">
                    <td>
                      <button type="button" className="link mono" onClick={() => onPick(p.symbol)} title="Use in the ticket">
                        {p.symbol}
                      </button>
                      {onChart && (
                        <button
                          type="button"
                          className="link chart-open"
                          onClick={() => onChart(p.symbol)}
                          aria-label={`Chart ${p.symbol}`}
                          title="Open its chart"
                        >
                          chart
                        </button>
                      )}
                    </td>
                    <td className="num">{num(p.quantity)}</td>
                    <td className="num">{num(p.averagePrice)}</td>
                    <td className="num">{num(p.lastPrice)}</td>
                    <td className="num">
                      <Pnl value={p.unrealizedPnl} />
                    </td>
                    <td className="num">
                      <Pnl value={p.realizedPnl} />
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )
      )}
    </section>
  );
}

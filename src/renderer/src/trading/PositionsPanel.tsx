import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { num } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Positions = ChannelOutput<'positions:list'>;

function Pnl({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  return <span className={value > 0 ? 'gain' : value < 0 ? 'loss' : undefined}>{`${value > 0 ? '+' : ''}${num(value)}`}</span>;
}

/** Open positions of the current mode with P&L; refreshed when orders change. */
export function PositionsPanel({ onPick }: { onPick(symbol: string): void }) {
  const orders = useApp((s) => s.orders);
  const mode = useApp((s) => s.mode.mode);
  const [data, setData] = useState<Positions | null>(null);
  const { busy, error, run } = useAction();
  const fingerprint = orders.map((o) => `${o.id}:${o.state}:${o.filledQuantity}`).join(',');

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
              {data.positions.map((p) => (
                <tr key={p.symbol} data-testid="position-row">
                  <td>
                    <button type="button" className="link mono" onClick={() => onPick(p.symbol)} title="Use in the ticket">
                      {p.symbol}
                    </button>
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

import { useEffect, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';
import { ErrorText } from '../components/ErrorText';
import { Pnl } from '../components/Pnl';
import { Spinner } from '../components/Spinner';
import { dateTime, num } from '../format';
import { useApp } from '../store';

type Holdings = ChannelOutput<'holdings:list'>;
type Trades = ChannelOutput<'trades:list'>;
type Tab = 'holdings' | 'trades';

function HoldingsTable({ data, onPick }: { data: Holdings; onPick(symbol: string): void }) {
  if (!data.offered) return <p className="muted empty-inline">Your broker does not offer holdings through its API.</p>;
  if (data.holdings.length === 0) return <p className="muted empty-inline">No holdings{data.mode === 'live' ? ' in this account' : ' in paper'}.</p>;
  return (
    <table className="table" aria-label="Holdings">
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
            P&amp;L
          </th>
        </tr>
      </thead>
      <tbody>
        {data.holdings.map((h) => (
          <tr key={h.symbol} data-testid="holding-row">
            <td>
              <button type="button" className="link mono" onClick={() => onPick(h.symbol)} title="Use in the ticket">
                {h.symbol}
              </button>
            </td>
            <td className="num">{num(h.quantity)}</td>
            <td className="num">{num(h.averagePrice)}</td>
            <td className="num">{num(h.lastPrice)}</td>
            <td className="num">
              <Pnl value={h.pnl} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function TradesTable({ data }: { data: Trades }) {
  if (!data.offered) return <p className="muted empty-inline">Your broker does not offer a trade book through its API.</p>;
  if (data.trades.length === 0) return <p className="muted empty-inline">No trades yet{data.mode === 'live' ? ' in this account' : ' in paper'}.</p>;
  return (
    <table className="table" aria-label="Trade book">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Symbol</th>
          <th scope="col">Side</th>
          <th scope="col" className="num">
            Qty
          </th>
          <th scope="col" className="num">
            Price
          </th>
          <th scope="col">Order</th>
        </tr>
      </thead>
      <tbody>
        {data.trades.map((t) => (
          <tr key={t.tradeId} data-testid="trade-row">
            <td>{t.executedAt === null ? '—' : dateTime(t.executedAt)}</td>
            <td className="mono">{t.symbol}</td>
            <td>{t.side}</td>
            <td className="num">{num(t.quantity)}</td>
            <td className="num">{num(t.price)}</td>
            <td className="mono">{t.brokerOrderId}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Holdings and the trade book of the current mode's venue, as tabs; refreshed when orders change. */
export function BooksPanel({ onPick }: { onPick(symbol: string): void }) {
  const orders = useApp((s) => s.orders);
  const mode = useApp((s) => s.mode.mode);
  const [tab, setTab] = useState<Tab>('holdings');
  const [holdings, setHoldings] = useState<Holdings | null>(null);
  const [trades, setTrades] = useState<Trades | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fingerprint = orders.map((o) => `${o.id}:${o.state}:${o.filledQuantity}`).join(',');

  // Every change of tab, mode or orders reads again; only the latest read lands (a slow, rate-limited one is dropped).
  useEffect(() => {
    let latest = true;
    const read = async (quiet: boolean) => {
      if (!quiet) setBusy(true);
      try {
        if (tab === 'holdings') {
          const data = await unwrap(getApi().holdings.list());
          if (latest) setHoldings(data);
        } else {
          const data = await unwrap(getApi().trades.list());
          if (latest) setTrades(data);
        }
        if (latest) setError(null);
      } catch (e) {
        if (latest && !quiet) setError(describeError(e));
      } finally {
        if (latest && !quiet) setBusy(false);
      }
    };
    void read(false);
    const timer = setInterval(() => void read(true), 15_000);
    return () => {
      latest = false;
      clearInterval(timer);
    };
  }, [tab, fingerprint, mode]);

  const tabButton = (id: Tab, label: string) => (
    <button type="button" role="tab" id={`books-tab-${id}`} aria-selected={tab === id} aria-controls="books-body" onClick={() => setTab(id)}>
      {label}
    </button>
  );
  return (
    <section className="panel" aria-labelledby="books-h">
      <div className="panel-head">
        <h2 id="books-h">Holdings and trades</h2>
        <div className="segmented" role="tablist" aria-label="Holdings or trade book">
          {tabButton('holdings', 'Holdings')}
          {tabButton('trades', 'Trades')}
        </div>
        {busy && <Spinner label="Loading…" />}
      </div>
      <ErrorText error={error} />
      <div id="books-body" role="tabpanel" aria-labelledby={`books-tab-${tab}`}>
        {tab === 'holdings' ? holdings && <HoldingsTable data={holdings} onPick={onPick} /> : trades && <TradesTable data={trades} />}
      </div>
    </section>
  );
}

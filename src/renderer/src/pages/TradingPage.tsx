import { lazy, Suspense, useState } from 'react';
import { BooksPanel } from '../trading/BooksPanel';
import { ExitsPanel } from '../trading/ExitsPanel';
import { ExitTicket } from '../trading/ExitTicket';
import { OrderTicket } from '../trading/OrderTicket';
import { OrdersTable } from '../trading/OrdersTable';
import { PaperAccountPanel } from '../trading/PaperAccountPanel';
import { PositionsPanel } from '../trading/PositionsPanel';
import { QuotesPanel } from '../trading/QuotesPanel';
import { SchedulesPanel } from '../trading/SchedulesPanel';
import { useApp } from '../store';

// The chart library loads only when a chart opens: the first screen does not wait for it.
const ChartPanel = lazy(() => import('../trading/ChartPanel').then((m) => ({ default: m.ChartPanel })));
const PnlCurvePanel = lazy(() => import('../trading/PnlCurvePanel').then((m) => ({ default: m.PnlCurvePanel })));

/** The trading console: ticket, prices, account, orders and positions for the current mode, and scheduled baskets. */
export function TradingPage() {
  const tradingError = useApp((s) => s.tradingError);
  const mode = useApp((s) => s.mode.mode);
  const orders = useApp((s) => s.orders);
  const [symbol, setSymbol] = useState('');
  const [ticketKey, setTicketKey] = useState(0);
  const [chart, setChart] = useState<string | null>(null);

  if (tradingError) {
    return (
      <div className="empty">
        <p>
          <strong>Trading is not available right now.</strong>
        </p>
        <p className="muted">{tradingError}</p>
      </div>
    );
  }
  const pick = (s: string) => {
    setSymbol(s);
    setTicketKey((k) => k + 1);
  };
  const watched = [symbol, ...orders.slice(0, 8).map((o) => o.symbol)];
  return (
    <div className="trading">
      <div className="trading-left">
        <OrderTicket key={`${ticketKey}-${mode}`} symbol={symbol} onSymbol={setSymbol} onChart={setChart} />
        <ExitTicket key={`exit-${mode}`} symbol={symbol} />
        {mode === 'paper' && <PaperAccountPanel />}
        <QuotesPanel symbols={watched} onPick={pick} onChart={setChart} />
      </div>
      <div className="trading-right">
        {chart && (
          <Suspense fallback={<p className="muted">Loading chart…</p>}>
            <ChartPanel key={chart} symbol={chart} onClose={() => setChart(null)} />
          </Suspense>
        )}
        <OrdersTable />
        <ExitsPanel />
        <PositionsPanel onPick={pick} onChart={setChart} />
        <Suspense fallback={<p className="muted">Loading the P&amp;L curve…</p>}>
          <PnlCurvePanel />
        </Suspense>
        <BooksPanel onPick={pick} />
        <SchedulesPanel />
      </div>
    </div>
  );
}

import { useState } from 'react';
import { BooksPanel } from '../trading/BooksPanel';
import { OrderTicket } from '../trading/OrderTicket';
import { OrdersTable } from '../trading/OrdersTable';
import { PaperAccountPanel } from '../trading/PaperAccountPanel';
import { PositionsPanel } from '../trading/PositionsPanel';
import { QuotesPanel } from '../trading/QuotesPanel';
import { SchedulesPanel } from '../trading/SchedulesPanel';
import { useApp } from '../store';

/** The trading console: ticket, prices, account, orders and positions for the current mode, and scheduled baskets. */
export function TradingPage() {
  const tradingError = useApp((s) => s.tradingError);
  const mode = useApp((s) => s.mode.mode);
  const orders = useApp((s) => s.orders);
  const [symbol, setSymbol] = useState('');
  const [ticketKey, setTicketKey] = useState(0);

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
        <OrderTicket key={`${ticketKey}-${mode}`} symbol={symbol} onSymbol={setSymbol} />
        {mode === 'paper' && <PaperAccountPanel />}
        <QuotesPanel symbols={watched} onPick={pick} />
      </div>
      <div className="trading-right">
        <OrdersTable />
        <PositionsPanel onPick={pick} />
        <BooksPanel onPick={pick} />
        <SchedulesPanel />
      </div>
    </div>
  );
}

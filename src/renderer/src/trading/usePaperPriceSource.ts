import { useEffect, useState } from 'react';
import { getApi, unwrap } from '../api';
import { useApp } from '../store';
import { SYMBOL_PATTERN } from './SymbolField';

/** Where paper mode prices (and fills) a symbol: a connected broker's market data, or BrokerVault's simulated feed. */
export type PaperPriceSource = 'broker' | 'simulated';

/**
 * Where the price of `symbol` comes from in paper mode, as main says in quotes:get's `simulated` — the same answer the
 * Quotes panel labels — asked for this symbol alone, once typing settles, and again when a connection's state changes
 * (a connection that becomes valid or invalid moves symbols between the broker and the simulated feed). Null while
 * not known: not enabled, no complete EXCHANGE:SYMBOL yet, still asking, or main could not price it (the Quotes panel
 * shows that error).
 */
export function usePaperPriceSource(symbol: string, enabled: boolean): PaperPriceSource | null {
  const connections = useApp((s) => s.connections.map((c) => `${c.id}:${c.isActive}:${c.status}`).join(','));
  const [known, setKnown] = useState<{ key: string; source: PaperPriceSource } | null>(null);
  const ask = enabled && SYMBOL_PATTERN.test(symbol);
  const key = `${symbol}|${connections}`;

  useEffect(() => {
    if (!ask) return;
    let live = true;
    const timer = setTimeout(() => {
      unwrap(getApi().quotes.get({ symbols: [symbol] })).then(
        (q) => live && setKnown({ key, source: q.simulated ? 'simulated' : 'broker' }),
        () => live && setKnown(null),
      );
    }, 400);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [ask, symbol, key]);

  return ask && known?.key === key ? known.source : null;
}

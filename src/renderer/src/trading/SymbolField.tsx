import { useEffect, useId, useState } from 'react';
import type { ChannelOutput } from '../../../shared/contract';
import { describeError, getApi, unwrap } from '../api';

type Instrument = ChannelOutput<'instruments:search'>['results'][number];

export const SYMBOL_PATTERN = /^[A-Z0-9_]{1,12}:[A-Z0-9&._\-/ ]{1,40}$/;

/**
 * The ticket's symbol (also a scheduled basket's). With a live connection it searches the broker's instruments
 * as you type; otherwise it takes free text in EXCHANGE:SYMBOL form. `help` replaces the paper-mode hint (the ticket
 * adds where the symbol's prices come from); null leaves it out (the basket's rows explain symbols once, above them).
 */
export function SymbolField({
  value,
  onChange,
  connectionId,
  error,
  help,
  placeholder,
  autoFocus,
}: {
  value: string;
  onChange(symbol: string): void;
  connectionId: string | null;
  error: string | null;
  help?: string | null;
  placeholder?: string;
  autoFocus?: boolean;
}) {
  const id = useId();
  const hint = connectionId
    ? 'Type part of a name and pick from your broker’s instruments.'
    : help === undefined
      ? 'Paper mode: any symbol in EXCHANGE:SYMBOL form.'
      : help;
  const [results, setResults] = useState<Instrument[]>([]);
  const [searching, setSearching] = useState(false);
  const [searchError, setSearchError] = useState<string | null>(null);
  const [open, setOpen] = useState(false);
  /** The broker offers no way to search its instruments here: the trader types the full symbol. */
  const [noList, setNoList] = useState(false);

  // One search at a time: a newer query, Escape, a pick or leaving live mode abandons the running one. An abandoned
  // search's answer is dropped (it never reopens the list), and "Searching…" ends here when no newer search takes over.
  useEffect(() => {
    const query = value.includes(':') ? value.split(':')[1]!.trim() : value.trim();
    if (!connectionId || !open || query.length < 1) {
      setSearching(false);
      if (connectionId && open) setResults([]);
      return;
    }
    let live = true;
    const timer = setTimeout(() => {
      setSearching(true);
      unwrap(getApi().instruments.search({ connectionId, query }))
        .then((r) => {
          if (!live) return;
          setResults(r.results);
          setNoList(r.masterDay === null && r.results.length === 0);
          setSearchError(r.stale ? `Instrument list may be out of date (${r.lastError ?? 'refresh failed'}).` : null);
        })
        .catch((e: unknown) => live && setSearchError(describeError(e)))
        .finally(() => live && setSearching(false));
    }, 250);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [value, connectionId, open]);

  /** Escape closes the suggestions and forgets them: only a new search (typing again) shows a list. */
  const close = () => {
    setOpen(false);
    setResults([]);
  };

  return (
    <div className={`field symbol-field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>Symbol</label>
      <input
        id={id}
        value={value}
        placeholder={connectionId ? 'Search, e.g. INFY' : (placeholder ?? 'EXCHANGE:SYMBOL, e.g. NSE:INFY or US:AAPL')}
        autoComplete="off"
        spellCheck={false}
        role={connectionId ? 'combobox' : undefined}
        aria-expanded={connectionId ? open && results.length > 0 : undefined}
        aria-controls={connectionId ? `${id}-list` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[error ? `${id}-err` : null, hint || searching ? `${id}-help` : null].filter(Boolean).join(' ') || undefined}
        autoFocus={autoFocus}
        onChange={(e) => {
          onChange(e.target.value.toUpperCase());
          setOpen(true);
        }}
        onKeyDown={(e) => e.key === 'Escape' && close()}
      />
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
      {(hint || searching) && (
        <span id={`${id}-help`} className="help">
          {hint}
          {searching && `${hint ? ' ' : ''}Searching…`}
        </span>
      )}
      {searchError && <span className="warn-text small">{searchError}</span>}
      {connectionId && noList && !searchError && !SYMBOL_PATTERN.test(value) && (
        <span className="small muted" data-testid="symbol-no-list">
          No matches in your broker’s instrument list here: type the full symbol as EXCHANGE:SYMBOL, e.g. US:AAPL.
        </span>
      )}
      {connectionId && open && results.length > 0 && (
        <ul className="symbol-results" id={`${id}-list`} role="listbox" aria-label="Matching instruments">
          {results.map((r) => (
            <li key={r.symbol} role="option" aria-selected={r.symbol === value}>
              <button
                type="button"
                onClick={() => {
                  onChange(r.symbol);
                  setOpen(false);
                }}
              >
                <strong className="mono">{r.symbol}</strong> <span className="muted">{r.name}</span>
                {r.lotSize > 1 && <span className="chip">lot {r.lotSize}</span>}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

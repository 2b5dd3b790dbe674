import { useId } from 'react';
import { ORDER_SIDES } from '../../../shared/orders';
import { SymbolField } from './SymbolField';
import { isIndianSymbol, type BasketRow, type RowProblems } from './schedule';
import { INDIAN_PRODUCTS } from './ticket';

/** A labelled input with its inline error linked for screen readers. */
function RowInput({ label, value, onChange, error }: { label: string; value: string; onChange(value: string): void; error: string | undefined }) {
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-err` : undefined}
      />
      {error && (
        <span id={`${id}-err`} className="field-error">
          {error}
        </span>
      )}
    </div>
  );
}

/** One order of a scheduled basket: symbol, side, quantity, type, limit price, and a product on Indian exchanges. */
export function BasketRowFields({
  row,
  index,
  problems,
  onChange,
  onRemove,
  connectionId,
  autoFocus,
}: {
  row: BasketRow;
  index: number;
  /** Shown only after a submit, like the ticket's. */
  problems: RowProblems;
  onChange(patch: Partial<BasketRow>): void;
  /** Absent for the only row: a basket holds at least one order. */
  onRemove?: () => void;
  connectionId: string | null;
  autoFocus: boolean;
}) {
  const name = `Order ${index + 1}`;
  return (
    <fieldset className="basket-row" data-testid="basket-row">
      <legend>{name}</legend>
      <div className="basket-row-fields">
        <SymbolField
          value={row.symbol}
          onChange={(symbol) => onChange({ symbol })}
          connectionId={connectionId}
          error={problems.symbol ?? null}
          help={null}
          placeholder="e.g. NSE:INFY"
          autoFocus={autoFocus}
        />
        <fieldset className="side-toggle basket-side">
          <legend className="sr-only">Side</legend>
          {ORDER_SIDES.map((side) => (
            <label key={side} className={`side side-${side.toLowerCase()}${row.side === side ? ' selected' : ''}`}>
              <input type="radio" name={`side-${row.key}`} value={side} checked={row.side === side} onChange={() => onChange({ side })} />
              {side === 'BUY' ? 'Buy' : 'Sell'}
            </label>
          ))}
        </fieldset>
        <RowInput label="Quantity" value={row.quantity} onChange={(quantity) => onChange({ quantity })} error={problems.quantity} />
        <label className="field">
          Order type
          <select value={row.type} onChange={(e) => onChange({ type: e.target.value as BasketRow['type'] })}>
            <option value="MARKET">Market</option>
            <option value="LIMIT">Limit</option>
          </select>
        </label>
        {row.type === 'LIMIT' && (
          <RowInput label="Limit price" value={row.limitPrice} onChange={(limitPrice) => onChange({ limitPrice })} error={problems.limitPrice} />
        )}
        {isIndianSymbol(row.symbol) && (
          <label className="field">
            Product
            <select value={row.product} onChange={(e) => onChange({ product: e.target.value })}>
              <option value="">Default</option>
              {INDIAN_PRODUCTS.map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          </label>
        )}
        {onRemove && (
          <button
            type="button"
            className="ghost basket-row-remove"
            onClick={onRemove}
            aria-label={`Remove ${name.toLowerCase()}`}
            title={`Remove ${name.toLowerCase()}`}
          >
            <span aria-hidden="true">✕</span>
          </button>
        )}
      </div>
    </fieldset>
  );
}

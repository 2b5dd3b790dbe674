import { num } from '../format';

/** A profit or loss: signed, coloured gain or loss, a dash when not known. */
export function Pnl({ value }: { value: number | null }) {
  if (value === null) return <span className="muted">—</span>;
  return <span className={value > 0 ? 'gain' : value < 0 ? 'loss' : undefined}>{`${value > 0 ? '+' : ''}${num(value)}`}</span>;
}

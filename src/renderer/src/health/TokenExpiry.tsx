import { duration } from '../format';

/** Live countdown to the session's end; warns in the last hour and says "expired" after. */
export function TokenExpiry({ at, now }: { at: number | null; now: number }) {
  if (at === null) return <span className="muted">No expiry</span>;
  const left = at - now;
  if (left <= 0)
    return (
      <span className="error-text" title={new Date(at).toLocaleString()} data-testid="token-expiry">
        Expired {duration(-left)} ago — re-login needed
      </span>
    );
  return (
    <span className={left < 3_600_000 ? 'warn-text' : undefined} title={new Date(at).toLocaleString()} data-testid="token-expiry">
      in {duration(left)}
    </span>
  );
}

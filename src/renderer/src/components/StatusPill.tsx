import type { ConnectionStatus } from '../../../shared/schemas';

export const STATUS_WORDS: Record<ConnectionStatus, string> = {
  valid: 'Connected',
  untested: 'Not checked yet',
  invalid: 'Credentials rejected',
  expired: 'Session expired',
  error: 'Check failed',
};

/** Status in colour and in words (colour is never the only signal). */
export function StatusPill({ status, inactive }: { status: ConnectionStatus; inactive?: boolean }) {
  if (inactive) return <span className="pill pill-muted">Inactive</span>;
  return (
    <span className={`pill pill-${status}`} data-testid="status-pill">
      <span className="dot" aria-hidden="true" />
      {STATUS_WORDS[status]}
    </span>
  );
}

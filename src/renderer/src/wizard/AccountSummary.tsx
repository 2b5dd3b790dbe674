import type { ConnectionView } from '../../../shared/schemas';
import { money } from '../format';

/** A saved connection's last check, or the wizard's check of unsaved credentials (the same fields, never null). */
type Checked = Pick<ConnectionView, 'accountMasked' | 'accountType' | 'buyingPower' | 'currency' | 'latencyMs'>;

/** What the broker told us about the account: proof the credentials work. */
export function AccountSummary({ account }: { account: Checked }) {
  return (
    <dl className="summary" data-testid="account-summary">
      <div>
        <dt>Account</dt>
        <dd className="mono">{account.accountMasked ?? '—'}</dd>
      </div>
      <div>
        <dt>Type</dt>
        <dd>{account.accountType ?? '—'}</dd>
      </div>
      <div>
        <dt>Buying power</dt>
        <dd>{money(account.buyingPower, account.currency)}</dd>
      </div>
      <div>
        <dt>Response time</dt>
        <dd>{account.latencyMs === null ? '—' : `${Math.round(account.latencyMs)} ms`}</dd>
      </div>
    </dl>
  );
}

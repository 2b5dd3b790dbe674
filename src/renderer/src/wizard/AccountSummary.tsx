import { money } from '../format';

/** What the broker told us about the account: proof the credentials work. */
export function AccountSummary({ account }: { account: { accountMasked: string | null; accountType: string | null; buyingPower: number | null; currency: string | null; latencyMs: number | null } }) {
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

import { useEffect, useState } from 'react';
import { useLive } from '../live/store';
import type { ChannelOutput } from '../../../shared/contract';
import { getApi, unwrap } from '../api';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { ErrorText } from '../components/ErrorText';
import { money } from '../format';
import { useAction } from '../hooks/useAction';
import { useApp } from '../store';

type Account = ChannelOutput<'paper:account'>;

/** The paper account's money, with a reset to a chosen starting cash. */
export function PaperAccountPanel() {
  const orders = useApp((s) => s.orders);
  const [account, setAccount] = useState<Account | null>(null);
  const [resetting, setResetting] = useState(false);
  const [startingCash, setStartingCash] = useState('');
  const { error, run } = useAction();
  const fingerprint = orders
    .filter((o) => o.mode === 'paper')
    .map((o) => `${o.id}:${o.state}`)
    .join(',');

  useEffect(() => {
    void run(async () => setAccount(await unwrap(getApi().paper.account())));
  }, [run, fingerprint]);

  // Streamed prices moved paper positions (main says so at most once a second): read the account again, quietly.
  const repriced = useLive((s) => s.paperRepriced);
  useEffect(() => {
    if (repriced > 0) void unwrap(getApi().paper.account()).then(setAccount, () => undefined);
  }, [repriced]);

  const pnl = account ? account.equity - account.startingCash : 0;
  return (
    <section className="panel" aria-labelledby="paper-h" data-testid="paper-account">
      <div className="panel-head">
        <h2 id="paper-h">Paper account</h2>
        <button type="button" className="small-button" onClick={() => setResetting(true)} disabled={!account}>
          Reset…
        </button>
      </div>
      <ErrorText error={error} />
      {account ? (
        <dl className="stats">
          <div>
            <dt>Equity</dt>
            <dd className="big">{money(account.equity, account.currency)}</dd>
          </div>
          <div>
            <dt>Cash</dt>
            <dd>{money(account.cash, account.currency)}</dd>
          </div>
          <div>
            <dt>P&amp;L since reset</dt>
            <dd className={pnl > 0 ? 'gain' : pnl < 0 ? 'loss' : undefined}>{money(pnl, account.currency)}</dd>
          </div>
          <div>
            <dt>Realised / unrealised</dt>
            <dd>
              {money(account.realizedPnl, account.currency)} / {money(account.unrealizedPnl, account.currency)}
            </dd>
          </div>
        </dl>
      ) : (
        !error && <p className="muted">Loading…</p>
      )}
      {account && account.positionSources.length > 0 && (
        <ul className="help" aria-label="Price feed of each paper position" data-testid="paper-price-sources">
          {account.positionSources.map((p) => (
            <li key={p.symbol}>
              {p.symbol}: {p.simulated ? 'simulated prices' : `prices from ${p.label}`}
              {!p.priced && ' (no price from it now: valued at cost)'}
            </li>
          ))}
        </ul>
      )}
      {account?.pricesSimulated && <p className="help">Paper fills use simulated prices.</p>}
      <ConfirmDialog
        open={resetting}
        onOpenChange={setResetting}
        title="Reset the paper account?"
        body={
          <>
            All paper positions and orders are cleared and cash starts again.
            <label className="field inline-field">
              Starting cash ({account?.currency ?? ''})
              <input
                inputMode="decimal"
                value={startingCash}
                placeholder={String(account?.startingCash ?? '')}
                onChange={(e) => setStartingCash(e.target.value)}
              />
            </label>
          </>
        }
        confirmLabel="Reset paper account"
        busyLabel="Resetting…"
        onConfirm={async () => {
          const cash = Number(startingCash);
          setAccount(await unwrap(getApi().paper.reset(startingCash.trim() && cash > 0 ? { startingCash: cash } : {})));
          await useApp.getState().loadOrders();
        }}
      />
    </section>
  );
}

import { useEffect, useState } from 'react';
import type { ConnectionView } from '../../../shared/schemas';
import { CallError, describeError, getApi, unwrap } from '../api';
import { BrokerBadge } from '../components/BrokerBadge';
import { ErrorText } from '../components/ErrorText';
import { Spinner } from '../components/Spinner';
import { StatusPill } from '../components/StatusPill';
import { ago, money } from '../format';
import { useAction } from '../hooks/useAction';
import { useBroker } from '../store';
import { useLive, type FeedStatus } from '../live/store';
import { TokenExpiry } from './TokenExpiry';

/** One connection's health with its Re-login and Test buttons. */
/** The feed as a trader reads it; 'not streaming' when no panel watches a symbol it streams. */
const FEED_WORDS: Record<FeedStatus, string> = {
  live: 'Live',
  reconnecting: 'Reconnecting…',
  stale: 'Stale: no price for a while; polling meanwhile',
  polling: 'Down: polling every few seconds while reconnecting',
};

export function HealthCard({ connection: c, now, checking }: { connection: ConnectionView; now: number; checking: boolean }) {
  const feed = useLive((s) => s.feeds[c.id]);
  const broker = useBroker(c.broker);
  const { busy, error, setError, run } = useAction();
  const [waiting, setWaiting] = useState<string | null>(null);

  useEffect(
    () =>
      getApi().on('login:finished', (event) => {
        if (event.connectionId !== c.id) return;
        setWaiting(null);
        if (!event.ok)
          setError(event.error ? describeError(new CallError(event.error.code, event.error.message)) : 'Sign-in did not complete. Try Re-login again.');
      }),
    [c.id, setError],
  );

  const relogin = () =>
    run(async () => {
      const result = await unwrap(getApi().connections.login({ id: c.id }));
      if (result.status === 'browser') setWaiting(result.loginHost);
    });
  const cancel = async () => {
    await getApi().connections.cancelLogin({ id: c.id });
    setWaiting(null);
  };

  return (
    <li className={`card health-card status-border-${c.isActive ? c.status : 'inactive'}`} data-testid="health-card" aria-label={`${c.label} health`}>
      <div className="card-head">
        <BrokerBadge broker={broker} />
        <div className="card-title">
          <strong>{c.label}</strong>
          <span className="muted">
            {broker?.name ?? c.broker} · {c.environment}
          </span>
        </div>
        <StatusPill status={c.status} inactive={!c.isActive} />
      </div>
      <dl className="fields health-fields">
        <div>
          <dt>Last check</dt>
          <dd title={c.lastValidatedAt ? new Date(c.lastValidatedAt).toLocaleString() : undefined}>{ago(c.lastValidatedAt, now)}</dd>
        </div>
        <div>
          <dt>Latency</dt>
          <dd>{c.latencyMs === null ? '—' : `${Math.round(c.latencyMs)} ms`}</dd>
        </div>
        <div>
          <dt>Price feed</dt>
          <dd data-testid="feed-status">{feed ? FEED_WORDS[feed] : 'not streaming'}</dd>
        </div>
        <div>
          <dt>Session ends</dt>
          <dd>
            <TokenExpiry at={c.tokenExpiresAt} now={now} />
          </dd>
        </div>
        <div>
          <dt>Account</dt>
          <dd className="mono" data-testid="account-masked">
            {c.accountMasked ?? '—'}
            {c.accountType ? ` · ${c.accountType}` : ''}
          </dd>
        </div>
        <div>
          <dt>Buying power</dt>
          <dd>{money(c.buyingPower, c.currency)}</dd>
        </div>
      </dl>
      {c.lastError && (
        <p className="last-error" data-testid="last-error">
          <strong>Last error:</strong> {c.lastError}
        </p>
      )}
      <ErrorText error={error} />
      <div className="card-actions" aria-live="polite">
        {(busy || checking) && !waiting && <Spinner label={busy ? 'Working…' : 'Checking…'} />}
        {waiting ? (
          <>
            <Spinner label={`Waiting for you to sign in at ${waiting}…`} />
            <button type="button" onClick={() => void cancel()}>
              Cancel sign-in
            </button>
          </>
        ) : (
          <>
            <button type="button" disabled={busy || !c.isActive} onClick={() => void relogin()} aria-label={`Re-login ${c.label}`}>
              Re-login
            </button>
            <button
              type="button"
              disabled={busy || !c.isActive}
              onClick={() => void run(() => unwrap(getApi().connections.validate({ id: c.id })))}
              aria-label={`Test ${c.label}`}
            >
              Test
            </button>
          </>
        )}
      </div>
    </li>
  );
}

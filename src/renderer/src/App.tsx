import { useEffect } from 'react';
import { AuditAlarm, useAuditBroken } from './components/AuditAlarm';
import { VaultBadge } from './components/VaultBadge';
import { ModeBar } from './mode/ModeBar';
import { AuditPage } from './pages/AuditPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { HealthPage } from './pages/HealthPage';
import { SettingsPage } from './pages/SettingsPage';
import { TradingPage } from './pages/TradingPage';
import { BrokerQuestionDialog } from './trading/BrokerQuestionDialog';
import { PAGES, subscribeToMain, useApp, type Page } from './store';

const LABELS: Record<Page, string> = {
  connections: 'Connections',
  health: 'Health',
  trading: 'Trading',
  audit: 'Audit',
  settings: 'Settings',
};

const ICONS: Record<Page, string> = { connections: '◇', health: '♥', trading: '⇅', audit: '☰', settings: '⚙' };

/** Attention dot on Health when a connection needs the trader. */
function useHealthAlert(): boolean {
  return useApp((s) => s.connections.some((c) => c.isActive && (c.status === 'invalid' || c.status === 'expired' || c.status === 'error')));
}

export function App() {
  const { page, go, ready, loadError, load, settings, mode } = useApp();
  const alert = useHealthAlert();
  const auditBroken = useAuditBroken();
  const live = mode.mode === 'live';

  useEffect(() => {
    const off = subscribeToMain();
    void load();
    return off;
  }, [load]);

  useEffect(() => {
    document.documentElement.dataset.theme = settings?.theme ?? 'system';
  }, [settings?.theme]);

  useEffect(() => {
    document.title = live ? 'BrokerVault — LIVE' : 'BrokerVault — Paper';
  }, [live]);

  return (
    <div className={live ? 'app app-live' : 'app'} data-mode={mode.mode}>
      <header className="topbar">
        <div className="brand" aria-label="BrokerVault">
          <span className="brand-mark" aria-hidden="true">
            BV
          </span>
          BrokerVault
        </div>
        <ModeBar />
        <VaultBadge />
      </header>
      <nav className="sidebar" aria-label="Main">
        {PAGES.map((p) => (
          <button
            key={p}
            type="button"
            className={p === page ? 'nav-item active' : 'nav-item'}
            aria-current={p === page ? 'page' : undefined}
            onClick={() => go(p)}
          >
            <span className="nav-icon" aria-hidden="true">
              {ICONS[p]}
            </span>
            {LABELS[p]}
            {p === 'health' && alert && <span className="nav-alert" title="A connection needs attention" aria-hidden="true" />}
            {p === 'audit' && auditBroken && (
              <span className="nav-alert" title="The audit trail was tampered with" data-testid="audit-nav-alert" aria-hidden="true" />
            )}
          </button>
        ))}
      </nav>
      <main className="content" aria-busy={!ready}>
        {!ready ? (
          <p className="muted" role="status">
            Loading…
          </p>
        ) : loadError ? (
          <div className="error-box" role="alert">
            BrokerVault could not load its data: {loadError} Restart the app; if this keeps happening, check the log in your data folder.
          </div>
        ) : (
          <>
            <AuditAlarm />
            <h1>{LABELS[page]}</h1>
            {page === 'connections' && <ConnectionsPage />}
            {page === 'health' && <HealthPage />}
            {page === 'trading' && <TradingPage />}
            {page === 'audit' && <AuditPage />}
            {page === 'settings' && <SettingsPage />}
          </>
        )}
      </main>
      <BrokerQuestionDialog />
    </div>
  );
}

import { useEffect } from 'react';
import { AuditPage } from './pages/AuditPage';
import { ConnectionsPage } from './pages/ConnectionsPage';
import { HealthPage } from './pages/HealthPage';
import { SettingsPage } from './pages/SettingsPage';
import { TradingPage } from './pages/TradingPage';
import { VaultBadge } from './components/VaultBadge';
import { PAGES, subscribeToMain, useApp, type Page } from './store';

const LABELS: Record<Page, string> = {
  connections: 'Connections',
  health: 'Health',
  trading: 'Trading',
  audit: 'Audit',
  settings: 'Settings',
};

export function App() {
  const { page, go, ready, loadError, load, settings } = useApp();

  useEffect(() => {
    const off = subscribeToMain();
    void load();
    return off;
  }, [load]);

  useEffect(() => {
    document.documentElement.dataset.theme = settings?.theme ?? 'system';
  }, [settings?.theme]);

  return (
    <div className="app">
      <header className="topbar">
        <div className="brand" aria-label="BrokerVault">
          <span className="brand-mark" aria-hidden="true">
            BV
          </span>
          BrokerVault
        </div>
        <VaultBadge />
      </header>
      <nav className="sidebar" aria-label="Main">
        {PAGES.map((p) => (
          <button key={p} type="button" className={p === page ? 'nav-item active' : 'nav-item'} aria-current={p === page ? 'page' : undefined} onClick={() => go(p)}>
            {LABELS[p]}
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
            <h1>{LABELS[page]}</h1>
            {page === 'connections' && <ConnectionsPage />}
            {page === 'health' && <HealthPage />}
            {page === 'trading' && <TradingPage />}
            {page === 'audit' && <AuditPage />}
            {page === 'settings' && <SettingsPage />}
          </>
        )}
      </main>
    </div>
  );
}

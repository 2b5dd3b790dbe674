import { useEffect } from 'react';
import { App } from '../App';
import { useStoreGate } from './gate';
import { RecoveryScreen } from './RecoveryScreen';

/** The app when the database is open; the recovery screen while it is damaged (main answers only store:* then). */
export function StoreGate() {
  const { status, error, generation, check } = useStoreGate();
  useEffect(() => {
    void check();
  }, [check]);

  if (error) {
    return (
      <div className="recovery">
        <p className="error-box" role="alert">
          BrokerVault could not reach its database: {error}
        </p>
      </div>
    );
  }
  if (!status) {
    return (
      <p className="muted recovery" role="status">
        Loading…
      </p>
    );
  }
  if (status.state === 'damaged') return <RecoveryScreen status={status} />;
  return <App key={generation} />;
}

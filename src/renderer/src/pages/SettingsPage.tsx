import { BackupsSection } from '../settings/BackupsSection';
import { LimitsSection } from '../settings/LimitsSection';
import { LocalApiSection } from '../settings/LocalApiSection';
import { PreferencesSection } from '../settings/PreferencesSection';
import { VaultSection } from '../settings/VaultSection';
import { useApp } from '../store';

export function SettingsPage() {
  const tradingError = useApp((s) => s.tradingError);
  return (
    <div className="settings">
      <PreferencesSection />
      {!tradingError && <LimitsSection />}
      <VaultSection />
      <LocalApiSection />
      <BackupsSection />
    </div>
  );
}

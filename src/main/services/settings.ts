import type { Settings } from '../../shared/schemas';
import { readSettings, type PreferencesStore } from '../preferences';

/** User-facing settings backed by the preferences store; announces every change. */
export class SettingsService {
  constructor(
    private readonly store: PreferencesStore,
    private readonly changed: (settings: Settings) => void,
  ) {}

  get(): Settings {
    return readSettings(this.store);
  }

  set(patch: Partial<Settings>): Settings {
    for (const [key, value] of Object.entries(patch) as [keyof Settings, Settings[keyof Settings]][]) {
      if (value !== undefined) this.store.set(key, value as never);
    }
    const settings = this.get();
    this.changed(settings);
    return settings;
  }
}

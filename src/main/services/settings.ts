import type { Settings } from '../../shared/schemas';
import { readSettings, type PreferencesStore } from '../preferences';
import { Emitter } from '../events';

/** User-facing settings backed by the preferences store; announces every change. */
export class SettingsService {
  private readonly didChange = new Emitter<Settings>();
  /** Fires with the new settings after every change. */
  readonly onDidChange = this.didChange.event;

  constructor(private readonly store: PreferencesStore) {}

  get(): Settings {
    return readSettings(this.store);
  }

  set(patch: Partial<Settings>): Settings {
    for (const [key, value] of Object.entries(patch) as [keyof Settings, Settings[keyof Settings]][]) {
      if (value !== undefined) this.store.set(key, value as never);
    }
    const settings = this.get();
    this.didChange.fire(settings);
    return settings;
  }
}

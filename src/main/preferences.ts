import { SettingsSchema, type Settings } from '../shared/schemas';

/**
 * UI preferences (theme, check interval, notifications, window bounds): never a secret. The Electron
 * shell passes an electron-store instance; Node tests pass `conf` (the library electron-store is built
 * on) with the same options, so both write the same preferences.json.
 */
export interface PreferencesStore {
  get<K extends keyof StoredPreferences>(key: K): StoredPreferences[K];
  set<K extends keyof StoredPreferences>(key: K, value: StoredPreferences[K]): void;
  readonly path: string;
}

export interface WindowBounds {
  x?: number;
  y?: number;
  width: number;
  height: number;
}

export interface StoredPreferences extends Settings {
  windowBounds: WindowBounds;
}

export const DEFAULT_PREFERENCES: StoredPreferences = {
  theme: 'system',
  checkIntervalSec: 300,
  notificationsEnabled: true,
  autoRelogin: false,
  paperChargesEstimate: false,
  windowBounds: { width: 1280, height: 820 },
};

/** Options shared by electron-store and conf: file name, defaults and 0600 permissions. */
export function preferencesOptions(cwd: string) {
  return {
    cwd,
    // electron-store reads `name`, conf reads `configName`: both give preferences.json.
    name: 'preferences',
    configName: 'preferences',
    projectName: 'brokervault',
    defaults: DEFAULT_PREFERENCES,
    configFileMode: 0o600,
    clearInvalidConfig: true,
  };
}

export function readSettings(store: PreferencesStore): Settings {
  const candidate = {
    theme: store.get('theme'),
    checkIntervalSec: store.get('checkIntervalSec'),
    notificationsEnabled: store.get('notificationsEnabled'),
    autoRelogin: store.get('autoRelogin'),
    paperChargesEstimate: store.get('paperChargesEstimate'),
  };
  const parsed = SettingsSchema.safeParse(candidate);
  if (parsed.success) return parsed.data;
  const { windowBounds: _bounds, ...defaults } = DEFAULT_PREFERENCES;
  return defaults;
}

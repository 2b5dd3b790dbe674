import Conf from 'conf';
import { preferencesOptions, type PreferencesStore, type StoredPreferences } from './preferences';

/** The preferences store outside Electron (tests, the bridge): `conf`, which electron-store is built on. */
export function confPreferences(dataDir: string): PreferencesStore {
  return new Conf<StoredPreferences>(preferencesOptions(dataDir)) as unknown as PreferencesStore;
}

import path from 'node:path';
import { DatabaseDamagedError, DatabaseMigrationError, DB_FILE } from './db';
import { NewerSchemaError } from './migrations';

export type StoreProblem = 'damaged-file' | 'newer-version' | 'migration-failed';

/** What is wrong with the database, in BrokerVault's words (never an exception's own text). */
export interface StoreDamage {
  problem: StoreProblem;
  message: string;
  file: string;
}

const MESSAGES: Record<StoreProblem, string> = {
  'damaged-file': 'BrokerVault’s database file is damaged: it cannot be read. BrokerVault has not changed or deleted it.',
  'newer-version':
    'This database was written by a newer version of BrokerVault, which this version cannot read. Install that version again, or keep the file aside and start fresh here.',
  'migration-failed': 'BrokerVault could not update its database for this version. The update was rolled back, so the file is as it was.',
};

/** The store errors the recovery screen can act on; null for any other start-up error (shown and exit as before). */
export function storeDamageOf(error: unknown, dataDir: string): StoreDamage | null {
  const file = path.join(dataDir, DB_FILE);
  if (error instanceof DatabaseDamagedError) return { problem: 'damaged-file', message: MESSAGES['damaged-file'], file: error.file };
  if (error instanceof NewerSchemaError) return { problem: 'newer-version', message: MESSAGES['newer-version'], file };
  if (error instanceof DatabaseMigrationError) return { problem: 'migration-failed', message: MESSAGES['migration-failed'], file };
  return null;
}

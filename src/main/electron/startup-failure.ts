import { DatabaseDamagedError, DatabaseMigrationError } from '../store/db';
import { NewerSchemaError } from '../store/migrations';

export interface StartupFailureText {
  title: string;
  message: string;
}

const TITLE = 'BrokerVault could not start';

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'EEXIST', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_PERM']);
const FULL = new Set(['ENOSPC', 'EDQUOT', 'SQLITE_FULL']);
const DISK = new Set(['EIO', 'SQLITE_IOERR']);

/** Error codes along the cause chain (Node errno codes and SQLite's, extended codes folded to their base). */
function codes(error: unknown): string[] {
  const found: string[] = [];
  for (let e = error, depth = 0; e && typeof e === 'object' && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') found.push(code, code.replace(/^(SQLITE_[A-Z]+)_.*$/, '$1'));
  }
  return found;
}

function explain(error: unknown, dataDir: string): string {
  if (error instanceof DatabaseDamagedError) {
    return (
      `The database file ${error.file} is damaged: BrokerVault cannot read it. BrokerVault has not changed or deleted it. ` +
      `Restore it from a backup, or move it out of the data folder to start with an empty vault (your connections will then need to be added again).`
    );
  }
  if (error instanceof NewerSchemaError) {
    return 'Your data was written by a newer version of BrokerVault. Install that version again; this one has left the data untouched.';
  }
  if (error instanceof DatabaseMigrationError) {
    return 'BrokerVault could not update its database for this version. The update was rolled back, so your data is as it was.';
  }
  const found = codes(error);
  if (found.some((c) => FULL.has(c))) {
    return `The disk holding BrokerVault's data folder (${dataDir}) is full. Free some space, then start BrokerVault again.`;
  }
  if (found.some((c) => UNWRITABLE.has(c))) {
    return `BrokerVault cannot write to its data folder (${dataDir}). Check that the folder exists, that your user account may write to it, and that the disk is not read-only.`;
  }
  if (found.some((c) => DISK.has(c))) {
    return `The disk holding BrokerVault's data folder (${dataDir}) reported a read or write error. Check the disk, then start BrokerVault again.`;
  }
  return 'Something went wrong while BrokerVault was opening your vault.';
}

/**
 * What the trader sees when start-up fails: what went wrong, in BrokerVault's words (never an exception's
 * own text, which may carry internals), and where the log with the details is.
 */
export function describeStartupFailure(error: unknown, where: { dataDir: string; logFile: string | null }): StartupFailureText {
  const log = where.logFile ? `Details are in the log: ${where.logFile}` : 'BrokerVault could not write a log file either.';
  return { title: TITLE, message: `${explain(error, where.dataDir)}\n\n${log}` };
}

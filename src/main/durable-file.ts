import fs from 'node:fs';
import path from 'node:path';

/**
 * Replaces `file` with `text` so that a crash at any point leaves either the old file or the new one, never a
 * torn one, and the new one is on disk before this returns (temp file, fsync, rename, directory fsync).
 * SECURITY: the file is 0600 from its creation, like the database.
 */
export function writeFileDurably(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(temp, 'w', 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeFileSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(temp, file);
  syncDirectory(path.dirname(file));
}

/** Make a rename in `dir` durable (POSIX); Windows cannot open a directory, and its renames need no such step. */
function syncDirectory(dir: string): void {
  if (process.platform === 'win32') return;
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

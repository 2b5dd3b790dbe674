/** Scheduled order baskets (migration 5). */
export const SCHEDULES_SQL = `
  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    time TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    days TEXT NOT NULL,
    orders TEXT NOT NULL,
    enabled INTEGER NOT NULL DEFAULT 1,
    created_at INTEGER NOT NULL,
    last_run_at INTEGER,
    last_outcome TEXT,
    last_message TEXT
  );
`;

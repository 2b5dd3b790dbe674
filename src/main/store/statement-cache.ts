import type Database from 'better-sqlite3';

/** How many distinct SQL texts keep their statement: the app has about a hundred, and dynamic IN lists add a few. */
export const KEPT_STATEMENTS = 512;

/**
 * Makes `db.prepare` hand out the statement it prepared before for the same SQL text (the least recently used is
 * dropped past KEPT_STATEMENTS). Preparing costs tens of µs, and each statement is a native object the garbage
 * collector must finalize: with the repos preparing on every call, a paper account read at hundreds of requests a
 * second gave collector pauses of 20–40 ms. Sharing a statement is safe only while no code changes its mode (raw,
 * pluck, expand, safeIntegers), binds it for good or iterates it; test/unit/statement-cache.test.ts holds that.
 */
export function keepPreparedStatements(db: Database.Database): void {
  const prepare = db.prepare.bind(db);
  const kept = new Map<string, Database.Statement>();
  db.prepare = ((source: string) => {
    let statement = kept.get(source);
    if (statement) {
      kept.delete(source);
    } else {
      statement = prepare(source);
      if (kept.size >= KEPT_STATEMENTS) kept.delete(kept.keys().next().value!);
    }
    kept.set(source, statement);
    return statement;
  }) as typeof db.prepare;
}

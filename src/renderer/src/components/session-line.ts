/**
 * The one plain line a connection card shows for a session a login obtained (the tokens themselves are never shown):
 * "Signed in, session ends 6 Jan 2026, 05:30"; null when no login stored one.
 */
export function sessionLine(signedIn: boolean, endsAt: number | null, now: number, format: (at: number) => string = sessionTime): string | null {
  if (!signedIn) return null;
  if (endsAt === null) return 'Signed in';
  return endsAt > now ? `Signed in, session ends ${format(endsAt)}` : `Session ended ${format(endsAt)}: sign in again`;
}

/** A session's end in the trader's locale and time zone, to the minute. */
export function sessionTime(at: number): string {
  return new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

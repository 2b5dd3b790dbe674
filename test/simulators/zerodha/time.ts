const IST_OFFSET_MS = 330 * 60_000;

/** Kite's wire format for times: "YYYY-MM-DD HH:MM:SS" on the IST wall clock. */
export function formatIst(ms: number): string {
  return new Date(ms + IST_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');
}

/** Next 06:00 IST strictly after `ms`: when Kite access tokens die. */
export function nextSixAmIst(ms: number): number {
  const ist = new Date(ms + IST_OFFSET_MS);
  let at = Date.UTC(ist.getUTCFullYear(), ist.getUTCMonth(), ist.getUTCDate(), 6, 0) - IST_OFFSET_MS;
  if (at <= ms) at += 86_400_000;
  return at;
}

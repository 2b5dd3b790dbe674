/**
 * The words after "LIVE" in the top bar: the connection's name once, its broker only when that differs from the name
 * (a connection left with its broker's name would otherwise read twice), then the masked account number.
 */
export function liveTargetText(label: string, brokerName: string, accountMasked: string | null): string {
  const same = label.trim().toLocaleLowerCase() === brokerName.trim().toLocaleLowerCase();
  const name = same ? label : `${label} · ${brokerName}`;
  return accountMasked ? `${name} ${accountMasked}` : name;
}

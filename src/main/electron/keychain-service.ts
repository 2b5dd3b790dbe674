/** The keychain service BrokerVault's records live under. */
export const DEFAULT_KEYCHAIN_SERVICE = 'BrokerVault';

/**
 * Tests (the shell test, the `_electron` suite) use their own keychain service so they never touch a
 * developer's real BrokerVault record. SECURITY: a packaged app ignores the variable, so nothing in the
 * environment can point an installed BrokerVault at another keychain record.
 */
export function keychainServiceName(input: { isPackaged: boolean; env: Record<string, string | undefined> }): string {
  if (input.isPackaged) return DEFAULT_KEYCHAIN_SERVICE;
  const requested = input.env.BROKERVAULT_KEYCHAIN_SERVICE?.trim();
  return requested && /^[\w.-]{1,100}$/.test(requested) ? requested : DEFAULT_KEYCHAIN_SERVICE;
}

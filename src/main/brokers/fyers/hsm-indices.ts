/**
 * Index topics: FYERS streams an index as `if|<segment>|<name>`, the name taken from the SDK's own index table
 * (HSM/mapper.js `index_dict` in fyers-api-v3), not from its fyToken. The indices traders watch most; others are
 * skipped as unsupported until they are added here.
 */
const INDEX_NAMES: Readonly<Record<string, string>> = {
  'NSE:NIFTY50-INDEX': 'Nifty 50',
  'NSE:NIFTYBANK-INDEX': 'Nifty Bank',
  'NSE:FINNIFTY-INDEX': 'Nifty Fin Service',
  'NSE:MIDCPNIFTY-INDEX': 'NIFTY MID SELECT',
  'NSE:INDIAVIX-INDEX': 'India VIX',
  'BSE:SENSEX-INDEX': 'SENSEX',
  'BSE:BANKEX-INDEX': 'BANKEX',
};

export const isIndexTicker = (ticker: string) => ticker.endsWith('-INDEX');

/** `if|nse_cm|Nifty 50` for a known index ticker; null for an index the table does not name. */
export function indexTopic(ticker: string): string | null {
  const name = INDEX_NAMES[ticker];
  if (!name) return null;
  return `if|${ticker.startsWith('BSE:') ? 'bse_cm' : 'nse_cm'}|${name}`;
}

import type { BrokerDescriptor } from '../../../shared/brokers';

export const BINANCE_LIVE_URL = 'https://api.binance.com';
export const BINANCE_TESTNET_URL = 'https://testnet.binance.vision';

const WHERE_LIVE =
  'Live: on binance.com open the profile icon → Account → API Management → Create API → "System generated", name it and pass the ' +
  'security check. Then click "Edit restrictions", tick "Enable Spot & Margin Trading" and choose "Restrict access to trusted IPs only" ' +
  'with this computer\'s public IP. Testnet: log in at testnet.binance.vision with GitHub and click "Generate HMAC_SHA256 Key". ';

export const descriptor: BrokerDescriptor = {
  id: 'binance',
  name: 'Binance',
  region: 'GLOBAL',
  initials: 'BN',
  auth: 'hmac-signed',
  fields: [
    {
      name: 'apiKey',
      label: 'API Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9]{16,128}$',
      help: WHERE_LIVE + 'Copy the "API Key" shown next to the key (64 letters and digits).',
    },
    {
      name: 'secretKey',
      label: 'Secret Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9]{16,128}$',
      help:
        WHERE_LIVE +
        'Copy the "Secret Key" (64 letters and digits). Binance shows it only once, right after creating the key; if you lost it, delete the key and create a new one. ' +
        'This entry is for HMAC ("System generated") keys; for a self-generated Ed25519 key choose "Binance (Ed25519 key)".',
    },
  ],
  environments: [
    { id: 'live', label: 'Binance (live)', baseUrl: BINANCE_LIVE_URL },
    { id: 'sandbox', label: 'Spot Testnet', baseUrl: BINANCE_TESTNET_URL },
  ],
  capabilities: ['crypto', 'market-data'],
  tokenLifetime:
    'No login and no session: every request is signed with the secret key, which works until you delete or edit the key. ' +
    'Without an IP restriction, Binance switches off the key\'s "Enable Spot & Margin Trading" permission 30 days after it was enabled. ' +
    'Testnet keys survive the monthly testnet resets, balances do not.',
  staticIp:
    "Recommended: restrict the API key to this computer's public IP (API Management → Edit restrictions → Restrict access to trusted IPs only). " +
    'Calls from any other IP are then refused with "Invalid API-key, IP, or permissions for action." (code -2015); if your IP changes, add the new one there.',
  docsUrl: 'https://developers.binance.com/docs/binance-spot-api-docs/rest-api',
  signInHosts: ['binance.com'],
  protocol: 'binance',
  currency: 'USD',
};

import type { BrokerDescriptor } from '../../../shared/brokers';

export const ALPACA_LIVE_URL = 'https://api.alpaca.markets';
export const ALPACA_PAPER_URL = 'https://paper-api.alpaca.markets';
/** Market data lives on its own host in production, the same for paper and live keys. */
export const ALPACA_DATA_URL = 'https://data.alpaca.markets';

const WHERE_KEYS =
  'Log in at app.alpaca.markets, pick the Paper or the Live account in the account switcher at the top left, ' +
  'then on the Home page find the "API Keys" panel on the right and click "Generate New Keys" (or "Regenerate"). ';

export const descriptor: BrokerDescriptor = {
  id: 'alpaca',
  name: 'Alpaca',
  region: 'US',
  initials: 'AL',
  auth: 'api-key',
  fields: [
    {
      name: 'apiKeyId',
      label: 'API Key ID',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[A-Za-z0-9]{16,40}$',
      help:
        WHERE_KEYS + 'Copy the value labelled "Key" (about 20 letters and digits). Paper keys work only with the Paper environment, live keys only with Live.',
      placeholder: 'PK…',
    },
    {
      name: 'apiSecretKey',
      label: 'API Secret Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9/+=_-]{20,100}$',
      help:
        WHERE_KEYS +
        'Copy the value labelled "Secret" (about 40 characters). Alpaca shows it only once; if you lost it, regenerate the keys and enter both new values.',
    },
  ],
  environments: [
    { id: 'paper', label: 'Paper trading', baseUrl: ALPACA_PAPER_URL },
    { id: 'live', label: 'Live trading', baseUrl: ALPACA_LIVE_URL },
  ],
  capabilities: ['equity', 'options', 'crypto', 'market-data', 'bracket-orders'],
  tokenLifetime:
    'No login and no session: the key pair works until you regenerate or delete it in the Alpaca dashboard. ' +
    'Paper and live accounts have separate key pairs.',
  docsUrl: 'https://docs.alpaca.markets/reference',
  signInHosts: ['alpaca.markets'],
  protocol: 'alpaca',
  currency: 'USD',
};

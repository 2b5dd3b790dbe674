import type { BrokerDescriptor } from '../../../shared/brokers';

export const TRADIER_LIVE_URL = 'https://api.tradier.com/v1';
export const TRADIER_SANDBOX_URL = 'https://sandbox.tradier.com/v1';

export const descriptor: BrokerDescriptor = {
  id: 'tradier',
  name: 'Tradier',
  region: 'US',
  initials: 'TR',
  auth: 'access-token',
  fields: [
    {
      name: 'access_token',
      label: 'API access token',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9._-]{16,256}$',
      help:
        'Log in at dash.tradier.com, open Settings → API Access and copy the "Access Token" (for the Sandbox environment copy the separate ' +
        '"Sandbox Account Access" token on the same page). A production token only works against the live host and a sandbox token only ' +
        'against the sandbox host. Press "Regenerate" there if the token was ever shared.',
    },
    {
      name: 'account_id',
      label: 'Account number',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^[A-Za-z0-9]{4,20}$',
      help:
        'Optional. The account number shown at the top of dash.tradier.com (sandbox accounts look like VA12345678 and are listed under ' +
        'Settings → API Access → Sandbox Account Access). Leave empty to use the first account on the token.',
      placeholder: 'VA12345678',
    },
  ],
  environments: [
    { id: 'live', label: 'Production (real money, real-time data)', baseUrl: TRADIER_LIVE_URL },
    { id: 'sandbox', label: 'Sandbox (paper trading, 15-minute delayed data)', baseUrl: TRADIER_SANDBOX_URL },
  ],
  capabilities: ['equity', 'options', 'market-data'],
  tokenLifetime:
    'Personal API access tokens do not expire; they stay valid until you regenerate them under Settings → API Access. ' +
    'If Tradier answers "Invalid Access Token", generate a new token there and paste it here.',
  docsUrl: 'https://documentation.tradier.com/brokerage-api',
  signInHosts: ['tradier.com'],
  protocol: 'tradier',
  currency: 'USD',
};

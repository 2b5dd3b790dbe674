import type { BrokerDescriptor } from '../../../shared/brokers';

export const TASTYTRADE_LIVE_URL = 'https://api.tastyworks.com';
export const TASTYTRADE_SANDBOX_URL = 'https://api.cert.tastyworks.com';

export const descriptor: BrokerDescriptor = {
  id: 'tastytrade',
  name: 'tastytrade',
  region: 'US',
  initials: 'TT',
  auth: 'oauth-refresh',
  fields: [
    {
      name: 'client_id',
      label: 'OAuth client ID',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^[A-Za-z0-9-]{8,64}$',
      help:
        'Optional for a personal grant. At my.tastytrade.com open Manage → My Profile → API → OAuth Applications (opt in to API access ' +
        'first if asked) and copy the Client ID of your application. For the sandbox, use an application created on the sandbox site ' +
        '(developer.tastytrade.com → Sandbox).',
    },
    {
      name: 'client_secret',
      label: 'OAuth client secret',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^\\S{8,256}$',
      help:
        'Shown once when you create the OAuth application under Manage → My Profile → API → OAuth Applications. If you did not save it, ' +
        'create a new application (tick the Read and Trade scopes) and copy its secret.',
    },
    {
      name: 'refresh_token',
      label: 'Refresh token',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^\\S{16,4096}$',
      maxLength: 4096,
      help:
        'On the same OAuth Applications page press Manage → Create Grant on your application and copy the refresh token it shows. ' +
        'It does not expire until you revoke the grant. Sandbox and production grants are separate.',
    },
    {
      name: 'account_number',
      label: 'Account number',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^[A-Za-z0-9]{5,12}$',
      help: 'Optional. The account number shown at the top of my.tastytrade.com (e.g. 5WT00001). Leave empty to use the first account.',
      placeholder: '5WT00001',
    },
  ],
  environments: [
    { id: 'live', label: 'Production', baseUrl: TASTYTRADE_LIVE_URL },
    { id: 'sandbox', label: 'Sandbox (cert: simulated fills, resets daily, 15-minute delayed quotes)', baseUrl: TASTYTRADE_SANDBOX_URL },
  ],
  capabilities: ['equity', 'options', 'futures', 'crypto', 'market-data', 'dry-run'],
  tokenLifetime:
    'BrokerVault exchanges your refresh token for an access token that lasts 15 minutes and renews it automatically; the refresh ' +
    'token itself does not expire until you revoke the grant on the OAuth Applications page.',
  // A 15-minute access token: a 5-minute check would notice a dead session far too late.
  session: { maxCheckIntervalSec: 60, tokenLifetimeMs: 15 * 60_000 },
  docsUrl: 'https://developer.tastytrade.com/',
  signInHosts: ['tastytrade.com', 'tastyworks.com'],
  protocol: 'tastytrade',
  currency: 'USD',
};

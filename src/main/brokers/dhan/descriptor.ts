import type { BrokerDescriptor } from '../../../shared/brokers';

export const DHAN_LIVE_URL = 'https://api.dhan.co/v2';
export const DHAN_SANDBOX_URL = 'https://sandbox.dhan.co/v2';
/** The compact scrip master is published on Dhan's static host. */
export const DHAN_SCRIP_MASTER_HOST = 'https://images.dhan.co';
export const DHAN_SCRIP_MASTER_PATH = '/api-data/api-scrip-master.csv';
/** The API-key consent flow runs on Dhan's auth host. */
export const DHAN_AUTH_HOST = 'https://auth.dhan.co';

export const descriptor: BrokerDescriptor = {
  id: 'dhan',
  name: 'Dhan (DhanHQ API v2)',
  region: 'IN',
  initials: 'DH',
  auth: 'access-token',
  fields: [
    {
      name: 'dhanClientId',
      label: 'Dhan client ID',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[0-9]{5,16}$',
      help:
        'Log in at web.dhan.co, click your name (top right) → My Profile: the numeric "Client ID" is shown under your name. ' +
        'For the sandbox, use the sandbox client ID from the DhanHQ DevPortal instead.',
      placeholder: '1000000003',
    },
    {
      name: 'accessToken',
      label: 'Access token',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$',
      help:
        'On web.dhan.co go to My Profile → "Access DhanHQ APIs", choose "Access Token", click Generate (validity 24 hours) ' +
        'and copy the long token that starts with "eyJ". The page shows when it expires; BrokerVault reads the same expiry ' +
        'from the token and renews it through Dhan while it is still valid. For the sandbox, generate it on the DevPortal.',
      placeholder: 'eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9…',
    },
  ],
  environments: [
    { id: 'live', label: 'Live', baseUrl: DHAN_LIVE_URL },
    { id: 'sandbox', label: 'Sandbox (DevPortal)', baseUrl: DHAN_SANDBOX_URL },
  ],
  capabilities: ['equity', 'options', 'futures', 'market-data', 'bracket-orders'],
  tokenLifetime:
    'An access token is valid for 24 hours from generation (its JWT "exp"). While it is still valid BrokerVault renews it ' +
    "for another 24 hours with Dhan's RenewToken call; once it has expired, generate a new one on web.dhan.co.",
  staticIp:
    'SEBI retail-algo rules: Dhan accepts order placement, modification and cancellation only from a static IP whitelisted ' +
    'for your account. Set it on web.dhan.co → My Profile → Access DhanHQ APIs → Static IP (primary, optional secondary); ' +
    'it cannot be changed again for 7 days. Read-only calls work from any IP. Up to 10 orders per second need no algo registration.',
  docsUrl: 'https://dhanhq.co/docs/v2/',
  signInHosts: ['dhan.co', 'dhanhq.co'],
  protocol: 'dhan',
  currency: 'INR',
};

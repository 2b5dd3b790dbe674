import type { BrokerDescriptor } from '../../../shared/brokers';

/** One host serves the trading API (/api/v3) and market data (/data); the symbol master is on public.fyers.in. */
export const FYERS_API_HOST = 'https://api-t1.fyers.in';

export const descriptor: BrokerDescriptor = {
  id: 'fyers',
  name: 'FYERS (API v3)',
  region: 'IN',
  initials: 'FY',
  auth: 'oauth-redirect',
  fields: [
    {
      name: 'client_id',
      label: 'App ID',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[A-Z0-9]{6,20}-\\d{3}$',
      placeholder: 'e.g. XB12AB34CD-100',
      help:
        'Log in at myapi.fyers.in → Dashboard → "Create App" (or open your existing app; apps created before April 2026 can no ' +
        "longer place orders, so create a new one if FYERS asks you to). Set the app's Redirect URL to the local callback " +
        'address BrokerVault shows in this step (http://127.0.0.1:…), give it order placement permission, then copy the "App ID" ' +
        'including the "-100" ending.',
    },
    {
      name: 'secret_key',
      label: 'Secret ID',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9]{6,64}$',
      help:
        'On myapi.fyers.in → Dashboard → your app, copy the "Secret ID" shown next to the App ID. It is never sent as is: ' +
        'BrokerVault only uses it for the appIdHash (SHA-256 of App ID:Secret ID) when you log in.',
    },
  ],
  environments: [{ id: 'live', label: 'Live (FYERS has no sandbox)', baseUrl: FYERS_API_HOST }],
  capabilities: ['equity', 'options', 'futures', 'market-data'],
  tokenLifetime:
    'Each browser login gives an access token valid for the trading day (FYERS puts the end time in the token; observed as ' +
    'early next morning IST). From April 2026 FYERS requires a fresh login with 2FA every trading day, so refresh tokens are not used.',
  staticIp:
    'SEBI retail-algo rules (from 1 April 2026): FYERS accepts API orders (place, modify, cancel) only from the static IP mapped ' +
    'to your App ID. On myapi.fyers.in → Dashboard → your app, add the public static IP of this computer in the IP whitelisting ' +
    'section (a primary and an optional backup). An IP may be shared only with family members after sending FYERS the KYC ' +
    'declaration. Reads such as quotes, order book and positions work from any IP.',
  docsUrl: 'https://myapi.fyers.in/docsv3',
  signInHosts: ['fyers.in'],
  protocol: 'fyers',
  currency: 'INR',
};

import type { BrokerDescriptor } from '../../../shared/brokers';

export const KITE_API_ROOT = 'https://api.kite.trade';

export const descriptor: BrokerDescriptor = {
  id: 'zerodha',
  name: 'Zerodha (Kite Connect)',
  region: 'IN',
  initials: 'ZR',
  auth: 'oauth-redirect',
  fields: [
    {
      name: 'api_key',
      label: 'API key',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[A-Za-z0-9]{8,32}$',
      placeholder: 'e.g. pqmpbbuist3w5qyt',
      help:
        'Log in at developers.kite.trade, open "My apps" and click your Kite Connect app (create one if needed: type "Connect", ' +
        'not "Personal", if you want live quotes). Copy the value shown as "API key". In the same app, set "Redirect URL" to the ' +
        'local callback address BrokerVault shows in this step (http://127.0.0.1:…) and save.',
    },
    {
      name: 'api_secret',
      label: 'API secret',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9]{16,64}$',
      help:
        'On developers.kite.trade → My apps → your app, click "Show API secret" and copy it. It is never sent to Zerodha as is: ' +
        'BrokerVault only uses it to sign the login checksum. Regenerating it in the console invalidates this connection.',
    },
  ],
  environments: [{ id: 'live', label: 'Live (Zerodha has no sandbox)', baseUrl: KITE_API_ROOT }],
  capabilities: ['equity', 'options', 'futures', 'market-data'],
  tokenLifetime:
    'The access token from each browser login is valid until 6:00 AM IST the next day (earlier if you log out of all Kite ' +
    'sessions or regenerate the API secret), so you log in through Zerodha once every trading day.',
  staticIp:
    'SEBI retail-algo rules (from 1 April 2026): Zerodha rejects API orders (place, modify, cancel) from any IP not registered ' +
    'for your Kite Connect developer account. Register the public static IP of this computer at developers.kite.trade → Profile ' +
    '(top right) → "IP Whitelist": one primary and an optional secondary, IPv4 or IPv6, changeable once per calendar week, ' +
    'shared by all your apps (sharing with others is allowed only within your family). Reads such as quotes, order book and ' +
    'positions work from any IP.',
  docsUrl: 'https://kite.trade/docs/connect/v3/',
  signInHosts: ['zerodha.com', 'kite.trade'],
  protocol: 'zerodha',
  currency: 'INR',
};

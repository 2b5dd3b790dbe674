import type { BrokerDescriptor } from '../../../shared/brokers';

/** The gateway's default address: the Java Client Portal Gateway listens on port 5000 with its own self-signed certificate. */
export const DEFAULT_GATEWAY_API = 'https://localhost:5000/v1/api';

const SETUP_STEPS =
  'Before connecting: 1) download the "Client Portal Gateway" from interactivebrokers.com (search for "Client Portal API", section Download) and unzip it; ' +
  '2) start it from its folder with `bin/run.sh root/conf.yaml` (Windows: `bin\\run.bat root\\conf.yaml`; it needs Java); ' +
  '3) on this computer open https://localhost:5000 in your browser, accept the certificate warning and log in with your IBKR username, password and ' +
  'second factor until the page says "Client login succeeds". Your IBKR password never goes into BrokerVault. ' +
  "If you changed `listenPort` in root/conf.yaml, put https://localhost:<port>/v1/api into the connection's host override.";

export const descriptor: BrokerDescriptor = {
  id: 'ibkr',
  name: 'Interactive Brokers',
  region: 'GLOBAL',
  initials: 'IB',
  auth: 'local-gateway',
  fields: [
    {
      name: 'accountId',
      label: 'Account ID (optional)',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^[A-Z]{1,3}[0-9]{4,10}$',
      placeholder: 'U1234567',
      help:
        'Your IBKR account number: U followed by digits for a live account, DU followed by digits for a paper account. ' +
        'It is shown at the top right of the Client Portal (portal.interactivebrokers.com) and in the TWS title bar. ' +
        'Leave it empty to trade the account the gateway selects after login. ' +
        SETUP_STEPS,
    },
  ],
  environments: [
    { id: 'live', label: 'Live account via the Client Portal Gateway on this computer', baseUrl: DEFAULT_GATEWAY_API },
    { id: 'paper', label: 'Paper account (log in to the gateway with your paper-trading username)', baseUrl: DEFAULT_GATEWAY_API },
  ],
  capabilities: ['equity', 'market-data'],
  tokenLifetime:
    'The session lives in the gateway, not in BrokerVault: it ends after about 6 minutes without requests (BrokerVault sends a keep-alive ' +
    "every minute), at the latest at midnight New York time, during IBKR's nightly and Saturday maintenance, and whenever the same username " +
    'logs in to TWS, the mobile app or another gateway. Then log in again at https://localhost:5000 in your browser.',
  // The Client Portal Gateway drops a session after about 6 idle minutes; each check tickles it.
  session: { maxCheckIntervalSec: 60 },
  docsUrl: 'https://www.interactivebrokers.com/campus/ibkr-api-page/cpapi-v1/',
  signInHosts: ['interactivebrokers.com'],
  protocol: 'ibkr',
  currency: 'USD',
};

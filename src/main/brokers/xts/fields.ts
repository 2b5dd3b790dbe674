import type { BrokerField } from '../../../shared/brokers';
import { FIELD } from './config';

/** Where a broker's XTS developer dashboard lives and what its people call things. */
export interface XtsConsole {
  /** e.g. "5paisa". */
  broker: string;
  /** The XTS developer dashboard, e.g. https://xtsmum.5paisa.com/dashboard#!/app */
  dashboardUrl: string;
  /** How the user logs in to the dashboard, e.g. "your 5paisa client code and password". */
  dashboardLogin: string;
}

const KEY_PATTERN = '^[A-Za-z0-9]{8,64}$';
const SECRET_PATTERN = '^\\S{4,64}$';

/** The five fields every XTS broker asks for: two app key pairs (interactive, market data) and the source. */
export function xtsFields(c: XtsConsole): BrokerField[] {
  const where = (pkg: string) =>
    `Log in to the XTS developer dashboard at ${c.dashboardUrl} with ${c.dashboardLogin}, open "My App" (Create New Application if you ` +
    `have none) and create an app whose API package is "${pkg}" (leave Redirect URL empty). Once ${c.broker} approves it and its ` +
    `status shows Active, the app's row under "My App" shows its App Key and Secret Key.`;
  return [
    {
      name: FIELD.interactiveAppKey,
      label: 'Interactive (order) API – App Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: KEY_PATTERN,
      help: `${where('Interactive Order API')} Copy the App Key here. It is used for orders, funds and positions.`,
    },
    {
      name: FIELD.interactiveSecretKey,
      label: 'Interactive (order) API – Secret Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: SECRET_PATTERN,
      help: `The Secret Key shown next to the App Key of the same "Interactive Order API" app under "My App" at ${c.dashboardUrl}.`,
    },
    {
      name: FIELD.marketDataAppKey,
      label: 'Market Data API – App Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: KEY_PATTERN,
      help:
        `${where('Market Data API')} Copy that second app's App Key here: XTS logs in to market data with its own, separate key ` +
        'pair, used for quotes and the instrument list.',
    },
    {
      name: FIELD.marketDataSecretKey,
      label: 'Market Data API – Secret Key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: SECRET_PATTERN,
      help: `The Secret Key of the "Market Data API" app, shown next to its App Key under "My App" at ${c.dashboardUrl}.`,
    },
    {
      name: FIELD.source,
      label: 'Source',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^[A-Za-z]{3,16}$',
      placeholder: 'WEBAPI',
      help:
        'The login "source" XTS expects from API clients. Leave empty to send WEBAPI (the value in Symphony\'s official SDKs); ' +
        `change it only if ${c.broker} support tells you to use another value.`,
    },
  ];
}

export function xtsTokenLifetime(broker: string): string {
  return (
    `Each login opens two sessions (interactive and market data). Each token is valid for 24 hours from login (the "exp" claim ` +
    `of the token) and ends earlier if the same app key logs in anywhere else, because ${broker} allows one session per app key. ` +
    'There is no refresh token: BrokerVault logs in again with the stored keys, and SEBI rules expect a fresh login every trading day.'
  );
}

export function xtsStaticIpNote(broker: string, where: string): string {
  return (
    'SEBI requires, from 1 April 2026 (circular SEBI/HO/MIRSD/MIRSD-PoD/P/CIR/2025/0000013, NSE/INVG/67858), that API orders come ' +
    `only from a static public IP registered against your API key. Register this computer's public IP (a primary and optionally ` +
    `a secondary) against your Interactive Order API app ${where}. Orders from any other IP are rejected; quotes and reports ` +
    'still work. An IP may only be shared with family (spouse, dependent children, dependent parents). Above 10 orders a second ' +
    `${broker} needs an exchange-registered algo.`
  );
}

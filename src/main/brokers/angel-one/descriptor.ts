import type { BrokerDescriptor } from '../../../shared/brokers';

export const ANGEL_LIVE_URL = 'https://apiconnect.angelone.in';
/** The scrip master lives on its own host in production. */
export const ANGEL_SCRIP_MASTER_HOST = 'https://margincalculator.angelbroking.com';
export const ANGEL_SCRIP_MASTER_PATH = '/OpenAPI_File/files/OpenAPIScripMaster.json';

export const descriptor: BrokerDescriptor = {
  id: 'angel-one',
  name: 'Angel One SmartAPI',
  region: 'IN',
  initials: 'AO',
  auth: 'totp-login',
  fields: [
    {
      name: 'api_key',
      label: 'SmartAPI API key',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9]{6,40}$',
      help:
        'Sign in at smartapi.angelone.in with your Angel One client code, open "My Apps" and create an app ' +
        '(choose "New Login" so you can register a static IP). Copy the "API Key" shown for the app.',
      placeholder: 'aBcD1234',
    },
    {
      name: 'clientcode',
      label: 'Client code',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[A-Za-z0-9]{4,16}$',
      help: 'Your Angel One client ID (e.g. A123456), shown on the Angel One app under Profile and on your contract notes.',
      placeholder: 'A123456',
    },
    {
      name: 'mpin',
      label: 'MPIN',
      input: 'pin',
      secret: true,
      required: true,
      pattern: '^[0-9]{4,6}$',
      help: 'The 4-digit MPIN you use to log in to the Angel One app (SmartAPI sends it as the login "password").',
    },
    {
      name: 'totp_secret',
      label: 'TOTP secret',
      input: 'totp-seed',
      secret: true,
      required: true,
      pattern: '^[A-Za-z2-7= ]{16,128}$',
      help:
        'Open smartapi.angelone.in/enable-totp, log in with your client code and the OTP Angel One sends you, ' +
        'and copy the text key printed under the QR code (letters A–Z and digits 2–7). BrokerVault computes the ' +
        '6-digit code from it at every login, so you need not type codes by hand.',
    },
    {
      name: 'static_ip',
      label: 'Registered static IP',
      input: 'text',
      secret: false,
      required: false,
      pattern: '^(\\d{1,3}\\.){3}\\d{1,3}$',
      help:
        'The primary static IP you entered when creating the app under My Apps on smartapi.angelone.in. ' +
        'BrokerVault sends it in the X-ClientPublicIP header; orders must really come from this IP.',
      placeholder: '203.0.113.10',
    },
  ],
  environments: [{ id: 'live', label: 'Live', baseUrl: ANGEL_LIVE_URL }],
  capabilities: ['equity', 'options', 'futures', 'market-data', 'bracket-orders'],
  tokenLifetime:
    'The login session (JWT, refresh and feed tokens) stays valid until 12 midnight IST on the day of login. ' +
    'BrokerVault logs in again with your MPIN and a fresh TOTP, or renews with the refresh token while the session is still valid.',
  staticIp:
    'SEBI retail-algo rules (enforced from 1 April 2026): Angel One accepts API orders (place, modify, cancel) only from the ' +
    'primary static IP registered on your SmartAPI app. Register it at smartapi.angelone.in → My Apps when creating the app ' +
    '(New Login; a secondary IP is optional) and place orders from that network. Read-only calls work from any IP. ' +
    'Up to 10 orders per second need no exchange algo registration.',
  docsUrl: 'https://smartapi.angelone.in/docs',
  signInHosts: ['angelone.in'],
  protocol: 'angel-one',
  currency: 'INR',
};

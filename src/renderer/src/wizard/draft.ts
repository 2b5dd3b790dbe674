import type { AuthPattern, BrokerDescriptor, Environment } from '../../../shared/brokers';
import type { CreateConnectionInput } from '../../../shared/schemas';

export interface Draft {
  broker: BrokerDescriptor;
  environment: Environment;
  label: string;
  fields: Record<string, string>;
  apiHost: string;
}

export const REGION: Record<BrokerDescriptor['region'], string> = { IN: 'India', US: 'United States', GLOBAL: 'Global' };

export const CAPABILITY: Record<string, string> = {
  equity: 'Stocks',
  options: 'Options',
  futures: 'Futures',
  crypto: 'Crypto',
  'market-data': 'Market data',
  'bracket-orders': 'Bracket orders',
  'dry-run': 'Dry run',
};

/** How each broker's sign-in works, in the trader's words. */
export const AUTH_TEXT: Record<AuthPattern, string> = {
  'api-key': 'BrokerVault uses your API key and secret directly; there is no separate sign-in.',
  'access-token': 'BrokerVault uses the access token you generate on the broker’s site.',
  'oauth-redirect': 'You sign in on the broker’s own page in your browser; BrokerVault never sees your broker password.',
  'totp-login': 'BrokerVault signs in for you and generates the 6-digit TOTP code itself from your TOTP secret, so you never type codes.',
  'app-key-session': 'BrokerVault opens a session with your app key and secret whenever one is needed.',
  'oauth-refresh': 'BrokerVault keeps your session alive with the broker’s refresh token.',
  'local-gateway': 'BrokerVault talks to the broker’s gateway running on this computer; sign in to the gateway first.',
  'hmac-signed': 'Every request is signed with your secret; the secret itself never leaves this computer.',
  'ed25519-signed':
    'Every request is signed with your Ed25519 private key, made on this computer; the broker only ever sees the public key, and the private key never leaves this computer.',
};

export const isBrowserLogin = (broker: BrokerDescriptor) => broker.auth === 'oauth-redirect';

export function draftInput(draft: Draft): CreateConnectionInput {
  const fields: Record<string, string> = {};
  for (const field of draft.broker.fields) {
    const value = (draft.fields[field.name] ?? '').trim();
    if (value !== '') fields[field.name] = value;
  }
  return {
    broker: draft.broker.id,
    label: draft.label.trim(),
    environment: draft.environment,
    fields,
    apiHost: draft.apiHost.trim() === '' ? null : draft.apiHost.trim(),
  };
}

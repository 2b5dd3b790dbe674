import type { BrokerDescriptor } from '../../../shared/brokers';
import { descriptor as dhan } from '../dhan/descriptor';

/** Dhan with an API key and secret: the trader signs in on Dhan's own page each day instead of pasting a token. */
export const descriptor: BrokerDescriptor = {
  ...dhan,
  id: 'dhan-api-key',
  name: 'Dhan (API key sign-in)',
  auth: 'oauth-redirect',
  fields: [
    dhan.fields.find((f) => f.name === 'dhanClientId')!,
    {
      name: 'apiKey',
      label: 'API key',
      input: 'text',
      secret: false,
      required: true,
      pattern: '^[A-Za-z0-9_-]{6,64}$',
      help:
        'On web.dhan.co open My Profile → "Access DhanHQ APIs", choose "API key", give the app a name and set "Redirect URL" to ' +
        'the local callback address BrokerVault shows in this step (http://127.0.0.1:…). Generate, then copy the "API key" ' +
        '(Dhan also calls it the app id). A key is valid for 12 months.',
      placeholder: 'e.g. a1b2c3d4',
    },
    {
      name: 'apiSecret',
      label: 'API secret',
      input: 'secret',
      secret: true,
      required: true,
      pattern: '^[A-Za-z0-9_-]{6,128}$',
      help: 'Shown once next to the API key when you generate it on web.dhan.co → My Profile → Access DhanHQ APIs. If you lost it, generate a new key.',
    },
  ],
  // Dhan's sandbox issues tokens on the DevPortal only; the consent flow is for live accounts.
  environments: dhan.environments.filter((e) => e.id === 'live'),
  tokenLifetime:
    'Each sign-in gives an access token valid for 24 hours (SEBI requires a fresh login every day). BrokerVault warns before ' +
    "it expires; choose Sign in to open Dhan's page again.",
};

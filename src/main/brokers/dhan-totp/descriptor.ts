import type { BrokerDescriptor } from '../../../shared/brokers';
import { descriptor as dhan } from '../dhan/descriptor';

const TOTP_SETUP =
  'On web.dhan.co open My Profile → "DhanHQ Trading APIs" (Access DhanHQ APIs) → "Setup TOTP", scan or copy the key shown, ' +
  'and confirm it with a code from your authenticator app. ';

/** Dhan with the client's PIN and TOTP seed: BrokerVault logs in by itself each day (SEBI's daily 2FA). */
export const descriptor: BrokerDescriptor = {
  ...dhan,
  id: 'dhan-totp',
  name: 'Dhan (PIN + TOTP login)',
  auth: 'totp-login',
  fields: [
    dhan.fields.find((f) => f.name === 'dhanClientId')!,
    {
      name: 'pin',
      label: 'Dhan PIN',
      input: 'pin',
      secret: true,
      required: true,
      pattern: '^[0-9]{4,6}$',
      help: 'The PIN you log in to the Dhan app and web.dhan.co with (4 to 6 digits). BrokerVault keeps it encrypted and sends it only to Dhan.',
    },
    {
      name: 'totpSecret',
      label: 'TOTP secret',
      input: 'totp-seed',
      secret: true,
      required: true,
      pattern: '^[A-Za-z2-7=\\s]{16,128}$',
      help:
        TOTP_SETUP +
        'Paste the same key here (letters A–Z and digits 2–7): BrokerVault makes the 6-digit code from it at each login, as your authenticator app does.',
    },
  ],
  // Dhan's sandbox issues tokens on the DevPortal only; the PIN + TOTP login is for live accounts.
  environments: dhan.environments.filter((e) => e.id === 'live'),
  tokenLifetime:
    'Each login gives an access token valid for 24 hours (SEBI requires a fresh login every day). BrokerVault logs in again ' +
    'with your PIN and a fresh TOTP when you choose Re-login, or by itself before expiry if automatic re-login is on.',
};

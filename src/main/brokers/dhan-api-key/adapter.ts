import type { BrokerAdapter } from '../types';
import { adapter as dhan } from '../dhan/adapter';
import { completeConsentLogin, consentLoginUrl } from '../dhan/consent';
import { descriptor } from './descriptor';

// Everything but the login is DhanHQ v2 as with a web-generated token; RenewToken is for web-generated tokens.
const { login: _renewWebToken, ...trading } = dhan;

export const adapter: BrokerAdapter = {
  ...trading,
  descriptor,
  loginUrl: (ctx) => consentLoginUrl(ctx),
  completeLogin: (ctx, params) => completeConsentLogin(ctx, params),
  statelessRedirect: true,
};

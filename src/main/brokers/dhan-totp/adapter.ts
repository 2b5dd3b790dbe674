import type { BrokerAdapter } from '../types';
import { adapter as dhan } from '../dhan/adapter';
import { pinTotpLogin } from '../dhan/totp-login';
import { descriptor } from './descriptor';

// DhanHQ v2 as with a web-generated token; only the login differs: a fresh token from the PIN and a TOTP.
export const adapter: BrokerAdapter = { ...dhan, descriptor, login: pinTotpLogin };

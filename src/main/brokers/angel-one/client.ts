import os from 'node:os';
import { brokerRequest } from '../http';
import { BrokerError, type BrokerContext } from '../types';
import { angelData } from './errors';

/** This machine's LAN address and MAC, which SmartAPI wants in X-ClientLocalIP / X-MACAddress. */
function localInterface(): { ip: string; mac: string } {
  for (const list of Object.values(os.networkInterfaces())) {
    for (const iface of list ?? []) {
      if (iface.family === 'IPv4' && !iface.internal) return { ip: iface.address, mac: iface.mac };
    }
  }
  return { ip: '127.0.0.1', mac: '00:00:00:00:00:00' };
}

/** The X-* headers SmartAPI requires on every call. */
export function angelHeaders(ctx: BrokerContext): Record<string, string> {
  const apiKey = ctx.credentials.api_key;
  if (!apiKey) throw new BrokerError('INVALID_CREDENTIALS', 'The Angel One API key is missing. Add it in the connection settings.');
  const { ip, mac } = localInterface();
  return {
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': ip,
    'X-ClientPublicIP': ctx.credentials.static_ip || ip,
    'X-MACAddress': mac,
    'X-PrivateKey': apiKey,
  };
}

export interface AngelCall {
  method: 'GET' | 'POST';
  path: string;
  json?: unknown;
  /** Secure endpoints need the session JWT; login does not. */
  auth?: boolean;
}

/** One SmartAPI call: required headers, bearer JWT, envelope unwrapped into `data`. */
export async function angelCall<T>(ctx: BrokerContext, call: AngelCall): Promise<T> {
  const headers = angelHeaders(ctx);
  if (call.auth !== false) {
    const jwt = ctx.credentials.jwtToken;
    if (!jwt) throw new BrokerError('TOKEN_EXPIRED', 'Not logged in to Angel One yet. Log in first.');
    headers.Authorization = `Bearer ${jwt}`;
  }
  const res = await brokerRequest(ctx, { method: call.method, path: call.path, headers, json: call.json });
  return angelData<T>(res);
}

export const PATHS = {
  loginByPassword: '/rest/auth/angelbroking/user/v1/loginByPassword',
  generateTokens: '/rest/auth/angelbroking/jwt/v1/generateTokens',
  profile: '/rest/secure/angelbroking/user/v1/getProfile',
  rms: '/rest/secure/angelbroking/user/v1/getRMS',
  placeOrder: '/rest/secure/angelbroking/order/v1/placeOrder',
  cancelOrder: '/rest/secure/angelbroking/order/v1/cancelOrder',
  modifyOrder: '/rest/secure/angelbroking/order/v1/modifyOrder',
  orderBook: '/rest/secure/angelbroking/order/v1/getOrderBook',
  positions: '/rest/secure/angelbroking/order/v1/getPosition',
  quote: '/rest/secure/angelbroking/market/v1/quote/',
  tradeBook: '/rest/secure/angelbroking/order/v1/getTradeBook',
  holding: '/rest/secure/angelbroking/portfolio/v1/getHolding',
  candles: '/rest/secure/angelbroking/historical/v1/getCandleData',
} as const;

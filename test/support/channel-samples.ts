import type { ChannelName } from '../../src/shared/channels';
import type { ChannelInput } from '../../src/shared/contract';

/**
 * One valid input per channel. Typed over every channel name, so adding a channel to the contract
 * without a sample here fails the type check, and the fuzz and canary suites cover it automatically.
 * `id` is an existing connection's id.
 */
export function validInputs(id: string): { [C in ChannelName]: ChannelInput<C> } {
  return {
    'app:info': {},
    'brokers:list': {},
    'connections:list': {},
    'connections:get': { id },
    'connections:create': { broker: 'alpaca', label: 'Fuzz', environment: 'live', fields: { api_key: 'AKFUZZKEY0001', api_secret: 'fuzz-secret-0001' } },
    'connections:update': { id, label: 'Renamed' },
    'connections:delete': { id },
    'connections:setDefault': { id },
    'connections:activate': { id },
    'connections:deactivate': { id },
    'connections:test': { broker: 'alpaca', environment: 'live', fields: { api_key: 'AKFUZZKEY0001', api_secret: 'fuzz-secret-0001' } },
    'connections:connect': {
      broker: 'alpaca',
      label: 'Fuzz connect',
      environment: 'live',
      fields: { api_key: 'AKFUZZKEY0002', api_secret: 'fuzz-secret-0002' },
    },
    'connections:login': { id },
    'connections:cancelLogin': { id },
    'connections:validate': { id },
    'connections:validateAll': {},
    'connections:disconnect': { id },
    'brokers:redirectUri': { broker: 'zerodha' },
    'instruments:search': { connectionId: id, query: 'INF' },
    'mode:get': {},
    'mode:requestLive': { connectionId: id },
    'mode:confirmLive': { confirmationId: 'c'.repeat(32), typed: 'GO LIVE' },
    'mode:goPaper': {},
    'mode:unlock': {},
    'orders:place': { ticketId: 'ticket-0001', symbol: 'NSE:INFY', side: 'BUY', quantity: 1, type: 'MARKET' },
    'orders:answerPrompt': { orderId: 'a'.repeat(24), replyId: 'r1', confirm: true },
    'orders:cancel': { orderId: 'a'.repeat(24) },
    'orders:modify': { orderId: 'a'.repeat(24), requestId: 'modify-0001', change: { limitPrice: 101 } },
    'orders:list': { limit: 10 },
    'orders:refresh': {},
    'exits:place': {
      requestId: 'exit-req-0001',
      kind: 'oco',
      symbol: 'US:AAPL',
      exitSide: 'SELL',
      quantity: 1,
      targetPrice: 300,
      stopPrice: 100,
    },
    'exits:list': {},
    'exits:cancel': { exitId: 'a'.repeat(16) },
    'exits:answerPrompt': { exitId: 'a'.repeat(16), replyId: 'r1', confirm: true },
    'positions:list': {},
    'holdings:list': {},
    'trades:list': {},
    'quotes:get': { symbols: ['NSE:INFY', 'US:AAPL'] },
    'quotes:watch': { symbols: ['NSE:INFY', 'US:AAPL'] },
    'feeds:list': {},
    'chart:history': { symbol: 'NSE:INFY', interval: '5m' },
    'pnl:curve': { account: 'paper', timeZone: 'Asia/Kolkata' },
    'paper:account': {},
    'paper:reset': { startingCash: 500000 },
    'limits:get': {},
    'limits:set': { maxQuantity: 100, maxOrderValue: null, maxOrdersPerMinute: 10 },
    'killswitch:engage': { closePositions: false },
    'schedules:list': {},
    'schedules:create': {
      name: 'Close',
      time: '15:10',
      timeZone: 'Asia/Kolkata',
      days: [1, 2, 3, 4, 5],
      orders: [{ symbol: 'NSE:INFY', side: 'SELL', quantity: 1, type: 'MARKET' }],
    },
    'schedules:delete': { id: 'nope' },
    'schedules:setEnabled': { id: 'nope', enabled: false },
    'vault:status': {},
    'vault:rotateKey': {},
    'vault:setupPassphrase': { passphrase: 'correct horse battery staple' },
    'vault:unlock': { passphrase: 'correct horse battery staple' },
    'vault:retry': {},
    'audit:list': { limit: 10 },
    'audit:verify': {},
    'audit:status': {},
    'settings:get': {},
    'settings:set': { theme: 'dark' },
    'store:status': {},
    'store:moveAside': {},
    'store:restore': { id: 'brokervault-manual-20260101T000000000Z-v7.sqlite' },
    'store:quit': {},
    'backups:list': {},
    'backups:create': {},
    'backups:restore': { id: 'brokervault-manual-20260101T000000000Z-v7.sqlite' },
    'localApi:status': {},
    // Disabled: a fuzzed channel never opens a port.
    'localApi:configure': { enabled: false, restPort: 5000, wsPort: 8765 },
    'localApi:createKey': { label: 'script', permission: 'read', paper: true, connectionIds: [] },
    'localApi:updateKey': { id, permission: 'read', paper: true, connectionIds: [] },
    'localApi:revokeKey': { id },
    'localApi:resumeTrading': {},
  };
}

/** Inputs that are wrong by construction for a given valid sample: every one must be refused. */
export function invalidVariants(sample: Record<string, unknown>): [string, unknown][] {
  const out: [string, unknown][] = [
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['a string', 'connections'],
    ['an array', [sample]],
    ['an extra key', { ...sample, extra: 1 }],
    ['a __proto__ key', JSON.parse(`{"__proto__": {"polluted": true}${Object.keys(sample).length ? ',' : ''}${JSON.stringify(sample).slice(1, -1)}}`)],
    ['a constructor key', { ...sample, constructor: { prototype: { polluted: true } } }],
  ];
  for (const [key, value] of Object.entries(sample)) {
    if (typeof value === 'string') {
      out.push([`${key} as a number`, { ...sample, [key]: 7 }]);
      out.push([`${key} as 1 MB`, { ...sample, [key]: 'x'.repeat(1024 * 1024) }]);
      out.push([`${key} as an object`, { ...sample, [key]: { toString: 'x' } }]);
    } else if (typeof value === 'number') {
      out.push([`${key} as a string`, { ...sample, [key]: String(value) }]);
      out.push([`${key} as NaN`, { ...sample, [key]: Number.NaN }]);
      out.push([`${key} as Infinity`, { ...sample, [key]: Number.POSITIVE_INFINITY }]);
      out.push([`${key} negative`, { ...sample, [key]: -1 }]);
    } else if (value && typeof value === 'object') {
      out.push([`${key} as a string`, { ...sample, [key]: 'x' }]);
      out.push([`${key} with a 1 MB value`, { ...sample, [key]: Object.fromEntries(Object.keys(value).map((k) => [k, 'x'.repeat(1024 * 1024)])) }]);
      out.push([`${key} with a bad key`, { ...sample, [key]: { ...value, 'Bad Key!': 'x' } }]);
      out.push([`${key} with a __proto__ key`, { ...sample, [key]: JSON.parse('{"__proto__": "x"}') }]);
    }
  }
  return out;
}

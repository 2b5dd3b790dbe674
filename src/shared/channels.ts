/**
 * Channel and event names of the IPC contract, without their schemas, so the preload bundle
 * can build its surface without pulling in zod. `contract.ts` must define exactly these names.
 */
export const CHANNEL_NAMES = [
  'app:info',
  'brokers:list',
  'connections:list',
  'connections:get',
  'connections:create',
  'connections:update',
  'connections:delete',
  'connections:setDefault',
  'connections:activate',
  'connections:deactivate',
  'connections:test',
  'connections:connect',
  'connections:login',
  'connections:cancelLogin',
  'connections:validate',
  'connections:validateAll',
  'connections:disconnect',
  'brokers:redirectUri',
  'instruments:search',
  'mode:get',
  'mode:requestLive',
  'mode:confirmLive',
  'mode:goPaper',
  'mode:unlock',
  'orders:place',
  'orders:answerPrompt',
  'orders:cancel',
  'orders:modify',
  'orders:list',
  'orders:refresh',
  'exits:place',
  'exits:list',
  'exits:cancel',
  'exits:answerPrompt',
  'positions:list',
  'holdings:list',
  'trades:list',
  'quotes:get',
  'quotes:watch',
  'feeds:list',
  'chart:history',
  'pnl:curve',
  'paper:account',
  'paper:reset',
  'limits:get',
  'limits:set',
  'killswitch:engage',
  'schedules:list',
  'schedules:create',
  'schedules:delete',
  'schedules:setEnabled',
  'vault:status',
  'vault:rotateKey',
  'vault:setupPassphrase',
  'vault:unlock',
  'vault:retry',
  'audit:list',
  'audit:verify',
  'audit:status',
  'settings:get',
  'settings:set',
  'store:status',
  'store:moveAside',
  'store:restore',
  'store:quit',
  'backups:list',
  'backups:create',
  'backups:restore',
  'localApi:status',
  'localApi:configure',
  'localApi:createKey',
  'localApi:updateKey',
  'localApi:revokeKey',
  'localApi:resumeTrading',
] as const;
export type ChannelName = (typeof CHANNEL_NAMES)[number];

/** The only channels that answer while the database is damaged (the recovery screen's). */
export const RECOVERY_CHANNEL_NAMES = ['store:status', 'store:moveAside', 'store:restore', 'store:quit'] as const satisfies readonly ChannelName[];
export type RecoveryChannelName = (typeof RECOVERY_CHANNEL_NAMES)[number];

export const EVENT_NAMES = [
  'connections:changed',
  'vault:changed',
  'settings:changed',
  'login:finished',
  'mode:changed',
  'orders:changed',
  'schedules:changed',
  'killswitch:progress',
  'audit:changed',
  'quotes:live',
  'feeds:changed',
  'positions:changed',
  'exits:changed',
  'localApi:changed',
] as const;
export type EventName = (typeof EVENT_NAMES)[number];

/** The single `window` property the preload (and the test bridge) defines. */
export const API_GLOBAL = 'brokerVault' as const;

/** IPC channel used to push events from main; the event name travels inside the message. */
export const EVENT_IPC_CHANNEL = 'brokervault:event' as const;

import type { AppInfoSchema } from '../../shared/schemas';
import type { z } from 'zod';
import type { BrokerRegistry } from '../brokers/registry';
import type { AuditLog } from '../store/audit-log';
import type { AuditGuard } from '../services/audit-guard';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import type { HealthMonitor } from '../services/health-monitor';
import type { SettingsService } from '../services/settings';
import type { Trading } from '../trading';
import type { Vault } from '../vault/vault';
import type { Handlers } from './router';
import { AppError } from '../errors';
import type { BackupService } from '../services/backups';
import type { StoreControl } from '../store-control';
import type { Market } from '../trading/market';
import type { LocalApiService } from '../local-api/service';

export interface HandlerDeps {
  appInfo: z.infer<typeof AppInfoSchema>;
  brokers: BrokerRegistry;
  connections: ConnectionService;
  brokerCalls: BrokerService;
  vault: Vault;
  audit: AuditLog;
  auditGuard: AuditGuard;
  settings: SettingsService;
  trading: Trading;
  health: HealthMonitor;
  backups: BackupService;
  market: Market;
  localApi: LocalApiService;
  store?: StoreControl;
}

/** Channel → service method. Inputs arrive already parsed; outputs are checked by the router. */
export function createHandlers(d: HandlerDeps): Handlers {
  return {
    'app:info': () => d.appInfo,
    'brokers:list': () => d.brokers.list().map((a) => a.descriptor),
    'connections:list': () => d.connections.list(),
    'connections:get': ({ id }) => d.connections.get(id),
    'connections:create': (input) => d.connections.create(input),
    'connections:update': (input) => d.connections.update(input),
    'connections:delete': ({ id }) => {
      d.connections.delete(id);
      return { deleted: true as const };
    },
    'connections:setDefault': ({ id }) => d.connections.setDefault(id),
    'connections:activate': ({ id }) => d.connections.setActive(id, true),
    'connections:deactivate': ({ id }) => d.connections.setActive(id, false),
    'connections:test': (input) => d.brokerCalls.test(input),
    'connections:connect': (input) => d.brokerCalls.connect(input),
    'connections:login': ({ id }) => d.brokerCalls.login(id),
    'connections:cancelLogin': ({ id }) => ({ cancelled: d.brokerCalls.cancelLogin(id) }),
    // Through the monitor, so a check already running for a connection is shared, not repeated.
    'connections:validate': ({ id }) => {
      d.vault.requireKey();
      return d.health.checkNow(id);
    },
    'connections:validateAll': async () => {
      d.vault.requireKey();
      await Promise.all(
        d.connections
          .list()
          .filter((c) => c.isActive)
          .map((c) => d.health.checkNow(c.id)),
      );
      return d.connections.list();
    },
    'connections:disconnect': ({ id }) => d.brokerCalls.disconnect(id),
    'brokers:redirectUri': ({ broker }) => ({ redirectUri: d.brokerCalls.redirectUri(broker) }),
    'instruments:search': ({ connectionId, query }) => d.brokerCalls.searchInstruments(connectionId, query),
    'mode:get': () => d.trading.mode.status(),
    'mode:requestLive': ({ connectionId }) => d.trading.mode.requestLive(connectionId),
    'mode:confirmLive': ({ confirmationId, typed }) => d.trading.mode.confirmLive(confirmationId, typed),
    'mode:goPaper': () => d.trading.mode.goPaper('Switched to paper by the trader.', 'trader'),
    'mode:unlock': () => d.trading.mode.unlock(),
    'orders:place': (ticket) => d.trading.orders.place(ticket),
    'orders:answerPrompt': ({ orderId, replyId, confirm }) => d.trading.orders.answerPrompt(orderId, replyId, confirm),
    'orders:cancel': ({ orderId }) => d.trading.orders.cancel(orderId),
    'orders:modify': (request) => d.trading.orders.modify(request),
    'orders:list': (filter) => d.trading.orders.list(filter),
    'orders:refresh': () => d.trading.orders.refresh(() => d.trading.settlePaper()),
    'exits:place': (request) => d.trading.exits.place(request),
    'exits:list': ({ working }) => d.trading.exits.list(working ?? false),
    'exits:cancel': ({ exitId }) => d.trading.exits.cancel(exitId),
    'exits:answerPrompt': ({ exitId, replyId, confirm }) => d.trading.exits.answerPrompt(exitId, replyId, confirm),
    'positions:list': async () => {
      const venue = d.trading.venue();
      return { mode: venue.mode, connectionId: venue.connectionId, positions: await venue.positions() };
    },
    'holdings:list': async () => {
      const venue = d.trading.venue();
      const holdings = venue.holdings ? await venue.holdings() : [];
      return { mode: venue.mode, connectionId: venue.connectionId, offered: venue.holdings !== undefined, holdings };
    },
    'trades:list': async () => {
      const venue = d.trading.venue();
      const trades = venue.trades ? await venue.trades() : [];
      return { mode: venue.mode, connectionId: venue.connectionId, offered: venue.trades !== undefined, trades };
    },
    'quotes:get': async ({ symbols }) => {
      const venue = d.trading.venue();
      if (venue.mode === 'paper') return d.trading.prices.quotes(symbols);
      return { simulated: false, quotes: await venue.quotes(symbols) };
    },
    'quotes:watch': ({ symbols }) => ({ symbols: d.market.liveQuotes.watch(symbols), feeds: d.market.streams.feedList() }),
    'feeds:list': () => d.market.streams.feedList(),
    'chart:history': (input) => d.trading.charts.history(input),
    'pnl:curve': (input) => d.trading.pnl.curve(input),
    'paper:account': () => d.trading.paper.account(),
    'paper:reset': ({ startingCash, currency }) => d.trading.paper.reset(startingCash, currency),
    'limits:get': () => d.trading.limits.get(),
    'limits:set': (limits) => d.trading.limits.set(limits),
    'killswitch:engage': ({ closePositions }) => d.trading.killSwitch.engage(closePositions),
    'schedules:list': () => d.trading.schedules.list(),
    'schedules:create': (input) => d.trading.schedules.create(input),
    'schedules:delete': ({ id }) => {
      d.trading.schedules.delete(id);
      return { deleted: true as const };
    },
    'schedules:setEnabled': ({ id, enabled }) => d.trading.schedules.setEnabled(id, enabled),
    'vault:status': () => d.vault.status(),
    'vault:rotateKey': () => d.vault.rotate((reencrypt) => d.connections.reencryptAll(reencrypt)),
    'vault:setupPassphrase': ({ passphrase }) => d.vault.setupPassphrase(passphrase),
    'vault:unlock': ({ passphrase }) => d.vault.unlock(passphrase),
    'vault:retry': () => d.vault.retry(),
    'audit:list': (input) => d.audit.list(input),
    'audit:verify': () => d.auditGuard.verify(),
    'audit:status': () => d.auditGuard.status(),
    'settings:get': () => d.settings.get(),
    'settings:set': (patch) => d.settings.set(patch),
    // The recovery actions answer only while the database is damaged (service-host.ts); here it is open.
    'store:status': () => ({ state: 'open' as const }),
    'store:moveAside': () => notDamaged(),
    'store:restore': () => notDamaged(),
    'store:quit': () => notDamaged(),
    'backups:list': () => d.backups.list(),
    'backups:create': () => d.backups.create('manual'),
    'backups:restore': ({ id }) => {
      if (!d.store) throw new AppError('NOT_SUPPORTED', 'Restoring a backup is not available here.');
      return d.store.restoreBackup(id);
    },
    'localApi:status': () => d.localApi.status(),
    'localApi:configure': (config) => d.localApi.configure(config),
    'localApi:createKey': ({ label, ...binding }) => d.localApi.createKey(label, binding),
    'localApi:updateKey': ({ id, ...binding }) => d.localApi.updateKey(id, binding),
    'localApi:revokeKey': ({ id }) => d.localApi.revokeKey(id),
    'localApi:resumeTrading': () => d.localApi.resumeTrading(),
  };
}

function notDamaged(): never {
  throw new AppError('CONFLICT', 'BrokerVault’s database is open and healthy: there is nothing to recover.');
}

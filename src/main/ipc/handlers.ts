import type { AppInfoSchema } from '../../shared/schemas';
import type { z } from 'zod';
import type { BrokerRegistry } from '../brokers/registry';
import type { AuditLog } from '../store/audit-log';
import type { BrokerService } from '../services/brokers';
import type { ConnectionService } from '../services/connections';
import type { SettingsService } from '../services/settings';
import type { Vault } from '../vault/vault';
import type { Handlers } from './router';

export interface HandlerDeps {
  appInfo: z.infer<typeof AppInfoSchema>;
  brokers: BrokerRegistry;
  connections: ConnectionService;
  brokerCalls: BrokerService;
  vault: Vault;
  audit: AuditLog;
  settings: SettingsService;
  vaultChanged: () => void;
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
    'connections:validate': ({ id }) => d.brokerCalls.validate(id),
    'connections:validateAll': () => d.brokerCalls.validateAll(),
    'connections:disconnect': ({ id }) => d.brokerCalls.disconnect(id),
    'brokers:redirectUri': ({ broker }) => ({ redirectUri: d.brokerCalls.redirectUri(broker) }),
    'instruments:search': ({ connectionId, query }) => d.brokerCalls.searchInstruments(connectionId, query),
    'vault:status': () => d.vault.status(),
    'vault:rotateKey': async () => {
      const status = await d.vault.rotate((reencrypt) => d.connections.reencryptAll(reencrypt));
      d.vaultChanged();
      return status;
    },
    'vault:setupPassphrase': async ({ passphrase }) => {
      const status = await d.vault.setupPassphrase(passphrase);
      d.vaultChanged();
      return status;
    },
    'vault:unlock': async ({ passphrase }) => {
      const status = await d.vault.unlock(passphrase);
      d.vaultChanged();
      return status;
    },
    'audit:list': (input) => d.audit.list(input),
    'audit:verify': () => d.audit.verify(),
    'settings:get': () => d.settings.get(),
    'settings:set': (patch) => d.settings.set(patch),
  };
}

import type { BrokerDescriptor, BrokerId } from '../../../shared/brokers';

/**
 * TEMPLATE — descriptor.ts: everything BrokerVault knows about the broker as data, in one place.
 *
 * | Field            | Read by                                   | Required |
 * |------------------|-------------------------------------------|----------|
 * | id               | registry key, stored on each connection   | yes: add it to BROKER_IDS (src/shared/brokers.ts) |
 * | name, initials, region, currency | wizard, badges, paper prices | yes |
 * | auth             | wizard text (AUTH_TEXT), sign-in flow     | yes |
 * | fields           | wizard form and main's field checks       | yes: only what the trader types; tokens from a login are not fields |
 * | environments     | wizard, default API host                  | yes, at least one |
 * | capabilities     | wizard search and badges, paper venues    | yes |
 * | tokenLifetime    | wizard ("How long a sign-in lasts")       | yes, in the trader's words |
 * | session          | health monitor (check cap, re-login lead) | only for short tokens or sessions a check keeps alive |
 * | staticIp         | wizard note                               | where the broker or SEBI needs a registered IP |
 * | docsUrl          | wizard link                               | yes; its host must be in signInHosts |
 * | signInHosts      | external-link allowlist                   | yes: sign-in, developer console and docs domains |
 * | protocol         | simulator id, doc page, conformance cases | yes: the folder with the implementation (its own id unless it shares one) |
 *
 * Nothing outside this folder may name the broker (test/unit/broker-registry.test.ts): a rule about it
 * belongs here or in its adapter, never in a service.
 */
export const descriptor: BrokerDescriptor = {
  // Replace with the new id once it is in BROKER_IDS; the cast only keeps this template compiling.
  id: 'template' as BrokerId,
  name: 'Template Broker',
  region: 'US',
  initials: 'TB',
  auth: 'api-key',
  fields: [
    {
      name: 'api_key',
      label: 'API key',
      input: 'secret',
      secret: true,
      required: true,
      // Linear-time patterns only: they run on untrusted input.
      pattern: '^[A-Za-z0-9]{16,64}$',
      help: 'Where the trader finds it, step by step, in the broker’s own words and menu names.',
    },
  ],
  environments: [
    { id: 'live', label: 'Live', baseUrl: 'https://api.example.com' },
    { id: 'sandbox', label: 'Sandbox', baseUrl: 'https://sandbox.example.com' },
  ],
  capabilities: ['equity', 'market-data'],
  tokenLifetime: 'API keys do not expire; delete the key on the broker’s site to revoke it.',
  docsUrl: 'https://docs.example.com/api',
  signInHosts: ['example.com'],
  protocol: 'template',
  currency: 'USD',
};

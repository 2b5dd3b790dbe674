import type { BrokerDescriptor } from '../../../shared/brokers';
import { xtsFields, xtsStaticIpNote, xtsTokenLifetime } from '../xts/fields';

/** IIFL's XTS deployment ("Blaze"); interactive under /interactive, market data under /apimarketdata. */
export const IIFL_XTS_HOST = 'https://ttblaze.iifl.com';

export const descriptor: BrokerDescriptor = {
  id: 'xts-iifl',
  name: 'IIFL Blaze (XTS)',
  region: 'IN',
  initials: 'IF',
  auth: 'app-key-session',
  fields: xtsFields({
    broker: 'IIFL',
    dashboardUrl: `${IIFL_XTS_HOST}/dashboard#!/app`,
    dashboardLogin: 'your IIFL client code and trading password',
  }),
  environments: [{ id: 'live', label: 'Live (ttblaze.iifl.com)', baseUrl: IIFL_XTS_HOST }],
  capabilities: ['equity', 'options', 'futures', 'market-data'],
  tokenLifetime: xtsTokenLifetime('IIFL'),
  staticIp: xtsStaticIpNote(
    'IIFL',
    `on the Blaze XTS dashboard (${IIFL_XTS_HOST}/dashboard#!/app, "My App"), or through IIFL customer support where the dashboard ` + 'shows no IP entry',
  ),
  docsUrl: `${IIFL_XTS_HOST}/doc/interactive/`,
  signInHosts: ['iifl.com', 'indiainfoline.com', 'iiflcapital.com', 'symphonyfintech.com'],
  protocol: 'xts',
  currency: 'INR',
};

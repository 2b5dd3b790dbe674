import type { BrokerDescriptor } from '../../../shared/brokers';
import { xtsFields, xtsStaticIpNote, xtsTokenLifetime } from '../xts/fields';

/** Compositedge's XTS deployment; interactive under /interactive, market data under /apimarketdata. */
export const COMPOSITEDGE_XTS_HOST = 'https://xts.compositedge.com';

export const descriptor: BrokerDescriptor = {
  id: 'xts-compositedge',
  name: 'Compositedge (XTS)',
  region: 'IN',
  initials: 'CE',
  auth: 'app-key-session',
  fields: xtsFields({
    broker: 'Compositedge',
    dashboardUrl: `${COMPOSITEDGE_XTS_HOST}/dashboard#!/app`,
    dashboardLogin: 'your Compositedge client code and password',
  }),
  environments: [{ id: 'live', label: 'Live (xts.compositedge.com)', baseUrl: COMPOSITEDGE_XTS_HOST }],
  capabilities: ['equity', 'options', 'futures', 'market-data'],
  tokenLifetime: xtsTokenLifetime('Compositedge'),
  staticIp: xtsStaticIpNote(
    'Compositedge',
    `on the XTS dashboard (${COMPOSITEDGE_XTS_HOST}/dashboard#!/app, "My App"), or through Compositedge support where the dashboard ` + 'shows no IP entry',
  ),
  docsUrl: `${COMPOSITEDGE_XTS_HOST}/doc/interactive/`,
  signInHosts: ['compositedge.com', 'symphonyfintech.com'],
  protocol: 'xts',
  currency: 'INR',
};

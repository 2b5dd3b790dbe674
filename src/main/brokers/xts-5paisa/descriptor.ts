import type { BrokerDescriptor } from '../../../shared/brokers';
import { xtsFields, xtsStaticIpNote, xtsTokenLifetime } from '../xts/fields';

/** 5paisa's XTS deployment ("Xstream"); interactive under /interactive, market data under /apimarketdata. */
export const FIVEPAISA_XTS_HOST = 'https://xtsmum.5paisa.com';

export const descriptor: BrokerDescriptor = {
  id: 'xts-5paisa',
  name: '5paisa XTS',
  region: 'IN',
  initials: '5P',
  auth: 'app-key-session',
  fields: xtsFields({
    broker: '5paisa',
    dashboardUrl: `${FIVEPAISA_XTS_HOST}/dashboard#!/app`,
    dashboardLogin: 'your 5paisa client code and password',
  }),
  environments: [{ id: 'live', label: 'Live (xtsmum.5paisa.com)', baseUrl: FIVEPAISA_XTS_HOST }],
  capabilities: ['equity', 'options', 'futures', 'market-data'],
  tokenLifetime: xtsTokenLifetime('5paisa'),
  staticIp: xtsStaticIpNote(
    '5paisa',
    `on the Xstream API dashboard (${FIVEPAISA_XTS_HOST}/dashboard#!/app, "My App", the app's static-IP entry). 5paisa allows one ` +
      'non-algo app at up to 10 orders a second; registered algo apps get 25 a second',
  ),
  docsUrl: `${FIVEPAISA_XTS_HOST}/doc/interactive/`,
  signInHosts: ['5paisa.com', 'symphonyfintech.com'],
  protocol: 'xts',
  currency: 'INR',
};

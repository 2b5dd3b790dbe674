import { adapter } from '../../../src/main/brokers/xts-5paisa/adapter';
import type { BrokerConformance } from './suite';
import { xtsConformance } from './xts-family';

export const conformance: BrokerConformance = xtsConformance(adapter, 'xtsmum.5paisa.com');

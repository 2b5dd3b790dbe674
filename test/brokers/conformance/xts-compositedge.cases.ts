import { adapter } from '../../../src/main/brokers/xts-compositedge/adapter';
import type { BrokerConformance } from './suite';
import { xtsConformance } from './xts-family';

export const conformance: BrokerConformance = xtsConformance(adapter, 'xts.compositedge.com');

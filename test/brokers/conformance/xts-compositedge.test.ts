import { adapter } from '../../../src/main/brokers/xts-compositedge/adapter';
import { runConformance } from './suite';
import { xtsConformance } from './xts-family';

runConformance(xtsConformance(adapter, 'xts.compositedge.com'));

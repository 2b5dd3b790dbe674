import { adapter } from '../../../src/main/brokers/xts-5paisa/adapter';
import { runConformance } from './suite';
import { xtsConformance } from './xts-family';

runConformance(xtsConformance(adapter, 'xtsmum.5paisa.com'));

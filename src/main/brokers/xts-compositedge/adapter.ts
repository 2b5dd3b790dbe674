import { createXtsAdapter } from '../xts/adapter';
import { descriptor } from './descriptor';

export const adapter = createXtsAdapter(descriptor);

import type { Verb } from '../verb';
import { ping } from './ping';

/** Every verb served under /api/v1. Each verb lives in its own file here; add it to this list. */
export const ALL_VERBS: Verb[] = [ping as Verb];

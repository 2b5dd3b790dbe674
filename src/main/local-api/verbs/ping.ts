import { z } from 'zod';
import { PAPER_ACCOUNT_ID } from '../keys';
import type { Verb } from '../verb';

const PingInput = z.object({});

/** `ping`: the key works. OpenAlgo answers with the broker it serves; here, the first account the key is bound to. */
export const ping: Verb<typeof PingInput> = {
  name: 'ping',
  permission: 'read',
  input: PingInput,
  async run({ caller, services }) {
    const first = caller.connectionIds[0];
    const broker = first === undefined || first === PAPER_ACCOUNT_ID ? 'paper' : (services.connections.find(first)?.broker ?? 'paper');
    return { httpStatus: 200, body: { status: 'success', data: { broker, message: 'pong' } } };
  },
};

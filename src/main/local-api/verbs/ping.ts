import { z } from 'zod';
import { callerVenue, defineVerb, success } from './common';

/** ping: the key works; `broker` is the broker orders go to now ("paper" in paper mode). */
export const ping = defineVerb({
  name: 'ping',
  permission: 'read',
  input: z.strictObject({}),
  async run(ctx) {
    const venue = callerVenue(ctx);
    return success({ broker: venue.broker, message: 'pong' });
  },
});

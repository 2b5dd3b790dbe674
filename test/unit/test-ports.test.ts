import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { onFreePorts, testPortNear } from '../support/ports';

const listen = (port: number) =>
  new Promise<net.Server | null>((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });

/** Test servers start on ports no outgoing connection takes, and again elsewhere when theirs was taken. */
describe('test server ports', () => {
  it('look below every OS’s ephemeral range', () => {
    for (let i = 0; i < 1000; i++) {
      const port = testPortNear();
      expect(port).toBeGreaterThanOrEqual(20_000);
      expect(port + 20).toBeLessThan(32_768);
    }
  });

  it('a port taken between the probe and the bind (as by the other test worker): the server starts on others', async () => {
    const thief: net.Server[] = [];
    let attempts = 0;
    const server = await onFreePorts(2, async ([a, b]) => {
      attempts++;
      // The first time, another program binds the probed port first.
      if (attempts === 1) thief.push((await listen(a!))!);
      const first = await listen(a!);
      const second = first && (await listen(b!));
      if (first && second) return [first, second];
      first?.close();
      return null;
    });
    try {
      expect(attempts).toBe(2);
      expect(server).toHaveLength(2);
    } finally {
      for (const s of [...server, ...thief]) s.close();
    }
  });

  it('gives up with a clear error when no attempt gets its ports', async () => {
    await expect(onFreePorts(1, async () => null, 3)).rejects.toThrow('No free ports for a test server after 3 attempts.');
  });
});

import { findFreePort } from '../../src/main/local-api/service';

/**
 * Where a test server looks for a free port: below the ephemeral range the OS hands out to outgoing connections
 * (Linux 32768–60999; Windows and macOS 49152–65535), where a port probed free can be taken by a client socket of
 * another test before the server binds it; at random, so the two test workers rarely look at the same ports.
 */
export function testPortNear(): number {
  return 20_000 + Math.floor(Math.random() * 12_000);
}

/**
 * Start a test server on `count` free ports, and again on others when one was taken between the probe and the bind
 * (by a server of the other test worker). `start` answers null when it did not get them; it should leave nothing
 * listening then.
 */
export async function onFreePorts<T>(count: number, start: (ports: number[]) => Promise<T | null>, attempts = 5): Promise<T> {
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) ports.push(await findFreePort(i === 0 ? testPortNear() : ports[i - 1]! + 1, ports));
    const started = await start(ports);
    if (started !== null) return started;
  }
  throw new Error(`No free ports for a test server after ${attempts} attempts.`);
}

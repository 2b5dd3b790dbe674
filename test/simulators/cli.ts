import { SIMULATORS } from './registry';

/** `npm run sim -- <id> [--port N]`: start one simulator and print one JSON line describing it. */
async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const id = args.find((a) => !a.startsWith('--'));
  const portIndex = args.indexOf('--port');
  const port = portIndex >= 0 ? Number(args[portIndex + 1]) : undefined;
  if (!id || !SIMULATORS[id]) {
    console.error(`usage: npm run sim -- <id> [--port N]\nids: ${Object.keys(SIMULATORS).sort().join(', ')}`);
    process.exit(2);
  }
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    console.error('--port takes a port number from 1 to 65535');
    process.exit(2);
  }
  const start = await SIMULATORS[id]();
  const sim = await start({ port });
  const { broker, baseUrl, credentials, session, streamUrl, orderStreamUrl } = sim;
  // JSON.stringify leaves out the stream URLs of simulators that do not stream.
  console.log(JSON.stringify({ broker, baseUrl, credentials, session, streamUrl, orderStreamUrl }));
  const stop = () => void sim.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();

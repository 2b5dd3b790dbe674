import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';

/**
 * Local API bench: the trader's script, in its own process. On `{cmd: 'load', port, verb, body, rate, seconds}` it
 * sends `rate` POSTs a second (open loop, keep-alive), after `warmUpSeconds` at that rate not counted, and answers with
 * every latency in ms, its own event loop's delay and its CPU share.
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function post(port: number, verb: string, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        path: `/api/v1/${verb}`,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) },
      },
      (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`HTTP ${res.statusCode}`))));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

async function load(port: number, verb: string, body: unknown, rate: number, seconds: number) {
  const text = JSON.stringify(body);
  const total = rate * seconds;
  const latencies: number[] = [];
  let failed = 0;
  const errors = new Set<string>();
  const pending: Promise<void>[] = [];
  // The script's own event loop: a late callback here shows as latency that BrokerVault did not add.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();
  const cpu0 = process.cpuUsage();
  const start = nowMs();
  for (let i = 0; i < total; i++) {
    const wait = start + (i * 1000) / rate - nowMs();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const t0 = nowMs();
    pending.push(
      post(port, verb, text).then(
        () => void latencies.push(nowMs() - t0),
        (error: Error) => {
          failed++;
          errors.add(error.message);
        },
      ),
    );
  }
  await Promise.all(pending);
  const elapsed = nowMs() - start;
  loop.disable();
  const cpu = process.cpuUsage(cpu0);
  return {
    latencies,
    failed,
    errors: [...errors],
    achieved: total / (elapsed / 1000),
    clientLoopDelayP99: loop.percentile(99) / 1e6,
    clientCpuShare: (cpu.user + cpu.system) / 1000 / elapsed,
  };
}

process.on('message', (raw) => {
  const m = raw as { id: number; cmd: string; port: number; verb: string; body: unknown; rate: number; seconds: number; warmUpSeconds?: number };
  if (m.cmd !== 'load') return;
  void (async () => {
    // Steady state, as a script that has been polling a while: the first second opens the sockets and warms both
    // sides' code for this reply's size, and is not counted.
    if (m.warmUpSeconds) await load(m.port, m.verb, m.body, m.rate, m.warmUpSeconds);
    process.send?.({ id: m.id, ...(await load(m.port, m.verb, m.body, m.rate, m.seconds)) });
  })();
});
process.send?.({ ready: true });

import http from 'node:http';

/**
 * Local API bench: the trader's script, in its own process. On `{cmd: 'load', port, verb, body, rate, seconds}` it
 * sends `rate` POSTs a second (open loop, keep-alive) and answers with every latency in ms.
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
  return { latencies, failed, errors: [...errors], achieved: total / ((nowMs() - start) / 1000) };
}

process.on('message', (raw) => {
  const m = raw as { id: number; cmd: string; port: number; verb: string; body: unknown; rate: number; seconds: number };
  if (m.cmd === 'load') void load(m.port, m.verb, m.body, m.rate, m.seconds).then((result) => process.send?.({ id: m.id, ...result }));
});
process.send?.({ ready: true });

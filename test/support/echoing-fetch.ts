/**
 * A fetch in front of the broker simulators that makes their errors repeat the request, as some brokers
 * and API gateways do ("invalid request: {…}" with the headers, query and body quoted back). Every error
 * answer gets the request appended to its message fields; `failing(host)` turns every answer from that
 * host into the broker's own error shape carrying the echo, for paths the simulators answer successfully.
 */

const MESSAGE_KEY = /^(message|msg|description|errorMessage|error|faultstring|remarks|error_description|emsg)$/;

/** The request as an echoing broker quotes it: method and full URL, headers as JSON, the body raw and base64. */
export function echoOf(url: URL, init: RequestInit = {}): string {
  const headers = init.headers ? Object.fromEntries(new Headers(init.headers as ConstructorParameters<typeof Headers>[0]).entries()) : {};
  const body = typeof init.body === 'string' ? init.body : '';
  return `[request ${init.method ?? 'GET'} ${url.href} headers=${JSON.stringify(headers)} body=${body} body64=${Buffer.from(body).toString('base64')}]`;
}

/** Whether a simulator's answer is an error in its broker's own terms (several answer errors with HTTP 200). */
function isErrorAnswer(status: number, body: unknown): boolean {
  if (status >= 400) return true;
  if (!body || typeof body !== 'object' || Array.isArray(body)) return false;
  const b = body as Record<string, unknown>;
  return b.status === false || b.type === 'error' || b.s === 'error' || b.status === 'error' || b.status === 'failure' || typeof b.error === 'string';
}

function appendEcho(value: unknown, echo: string): { value: unknown; hit: boolean } {
  if (Array.isArray(value)) {
    let hit = false;
    const out = value.map((item) => {
      const r = appendEcho(item, echo);
      hit ||= r.hit;
      return r.value;
    });
    return { value: out, hit };
  }
  if (!value || typeof value !== 'object') return { value, hit: false };
  let hit = false;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (typeof inner === 'string' && MESSAGE_KEY.test(key)) {
      out[key] = `${inner} ${echo}`;
      hit = true;
    } else {
      const r = appendEcho(inner, echo);
      out[key] = r.value;
      hit ||= r.hit;
    }
  }
  return { value: out, hit };
}

/** Each broker's own error body, for a request it refuses (the simulator key from test/simulators/registry.ts). */
const ERROR_SHAPES: Record<string, { status: number; body: (echo: string) => unknown }> = {
  zerodha: { status: 400, body: (e) => ({ status: 'error', message: `Invalid request ${e}`, error_type: 'InputException' }) },
  dhan: { status: 400, body: (e) => ({ errorType: 'Input_Exception', errorCode: 'DH-905', errorMessage: `Invalid request ${e}` }) },
  fyers: { status: 400, body: (e) => ({ s: 'error', code: -50, message: `Invalid request ${e}` }) },
  'angel-one': { status: 200, body: (e) => ({ status: false, message: `Invalid request ${e}`, errorcode: 'AB1004', data: null }) },
  xts: { status: 400, body: (e) => ({ type: 'error', code: 'e-request-0001', description: `Bad Request ${e}`, result: {} }) },
  alpaca: { status: 422, body: (e) => ({ code: 42210000, message: `invalid request ${e}` }) },
  tradier: { status: 400, body: (e) => ({ errors: { error: `Invalid request ${e}` } }) },
  tastytrade: { status: 400, body: (e) => ({ error: { code: 'invalid_request', message: `Invalid request ${e}` } }) },
  ibkr: { status: 400, body: (e) => ({ error: `Bad Request: ${e}`, statusCode: 400 }) },
  binance: { status: 400, body: (e) => ({ code: -1102, msg: `Illegal request ${e}` }) },
};

export interface EchoingFetch {
  fetch: typeof fetch;
  /** Answers from `baseUrl`'s host (those `only` picks) become `sim`'s error shape with the echo, until `recover`. */
  failing(baseUrl: string, sim: string, only?: (method: string, url: URL) => boolean): void;
  recover(baseUrl: string): void;
  /** How many answers carried an echo (so a test can tell its faults really happened). */
  echoed: number;
}

export function echoingFetch(base: typeof fetch = globalThis.fetch): EchoingFetch {
  const failing = new Map<string, { sim: string; only: (method: string, url: URL) => boolean }>();
  const state: EchoingFetch = {
    echoed: 0,
    failing: (baseUrl, sim, only = () => true) => failing.set(new URL(baseUrl).host, { sim, only }),
    recover: (baseUrl) => failing.delete(new URL(baseUrl).host),
    fetch: async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const echo = echoOf(url, init);
      const forced = failing.get(url.host);
      if (forced?.only((init?.method ?? 'GET').toUpperCase(), url)) {
        const shape = ERROR_SHAPES[forced.sim]!;
        state.echoed += 1;
        return new Response(JSON.stringify(shape.body(echo)), { status: shape.status, headers: { 'content-type': 'application/json' } });
      }
      const response = await base(input, init);
      if (response.status === 204 || response.status === 304 || (response.status >= 300 && response.status < 400)) return response;
      const bytes = Buffer.from(await response.arrayBuffer());
      const text = bytes.toString('utf8');
      const headers = new Headers(response.headers);
      headers.delete('content-length');
      headers.delete('content-encoding');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Not JSON: a plain-text error repeats the request at its end.
      }
      if (!isErrorAnswer(response.status, body)) return new Response(bytes, { status: response.status, statusText: response.statusText, headers });
      let out = text;
      if (typeof body === 'string') {
        if (!body.trimStart().startsWith('<')) out = `${text} ${echo}`;
      } else {
        const r = appendEcho(body, echo);
        out = JSON.stringify(r.hit ? r.value : { ...(body as object), message: echo });
      }
      if (out !== text) state.echoed += 1;
      return new Response(out, { status: response.status, statusText: response.statusText, headers });
    },
  };
  return state;
}

/**
 * The socket.io wire as XTS servers speak it to Symphony's own SDKs: socket.io v2 over Engine.IO v3 (`EIO=3`) —
 * the SDKs ship socket.io-client 2.2 (JS) and python-socketio 4.x. A socket.io v3+ client cannot talk to a v2 server,
 * and a v4 server talks EIO 3 only with `allowEIO3`, so EIO 3 is the one dialect every XTS deployment accepts.
 * Only the WebSocket transport is spoken: text frames, no long-polling, no binary attachments.
 */

/** One Engine.IO v3 frame as the client reads it. */
export type EioFrame =
  | { kind: 'open'; pingIntervalMs: number; pingTimeoutMs: number }
  | { kind: 'close' }
  | { kind: 'pong' }
  | { kind: 'noop' }
  | { kind: 'connected' }
  | { kind: 'disconnected' }
  | { kind: 'event'; name: string; payload: unknown }
  | { kind: 'refused'; text: string }
  | { kind: 'other' };

/** What a client sends to keep an EIO 3 connection alive (the server answers `3`). */
export const EIO3_PING = '2';

const positiveMs = (v: unknown, fallback: number) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : fallback);

/**
 * One text frame, or null when it is malformed or truncated: an empty frame, an unknown Engine.IO type, an open packet
 * that is not JSON, an event that is not a JSON array starting with its name.
 */
export function readEioFrame(frame: string): EioFrame | null {
  switch (frame[0]) {
    case '0': {
      try {
        const open = JSON.parse(frame.slice(1)) as { pingInterval?: unknown; pingTimeout?: unknown } | null;
        if (!open || typeof open !== 'object') return null;
        return { kind: 'open', pingIntervalMs: positiveMs(open.pingInterval, 25_000), pingTimeoutMs: positiveMs(open.pingTimeout, 20_000) };
      } catch {
        return null;
      }
    }
    case '1':
      return { kind: 'close' };
    case '3':
      return { kind: 'pong' };
    case '6':
      return { kind: 'noop' };
    case '4':
      return readSocketIoPacket(frame.slice(1));
    default:
      return null;
  }
}

/** A socket.io v2 packet inside an Engine.IO message; only the default namespace `/` is used by XTS. */
function readSocketIoPacket(packet: string): EioFrame | null {
  const type = packet[0];
  // A namespace other than "/" would follow as "/name,"; XTS uses none, so such packets are not ours.
  if (packet[1] === '/') return { kind: 'other' };
  const body = packet.slice(1).replace(/^\d+(?=\[)/, ''); // an ack id before the array
  switch (type) {
    case '0':
      return { kind: 'connected' };
    case '1':
      return { kind: 'disconnected' };
    case '2': {
      let args: unknown;
      try {
        args = JSON.parse(body);
      } catch {
        return null;
      }
      if (!Array.isArray(args) || typeof args[0] !== 'string') return null;
      return { kind: 'event', name: args[0], payload: args[1] };
    }
    case '4':
      // The refusal's text: a JSON string (socket.io v2) or the error's data object (v4 servers to EIO 3 clients).
      return { kind: 'refused', text: body };
    case '3':
    case '5':
    case '6':
      return { kind: 'other' }; // acks and binary events: XTS sends neither on these sockets
    default:
      return null;
  }
}

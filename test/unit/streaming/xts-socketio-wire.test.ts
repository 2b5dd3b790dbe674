import { describe, expect, it } from 'vitest';
import { refusalReason, socketUrl } from '../../../src/main/brokers/xts/socket';
import { readEioFrame } from '../../../src/main/brokers/xts/socketio-wire';
import { brokerContext } from '../../brokers/support';

describe('XTS socket.io wire (EIO 3)', () => {
  it('reads the open packet, pongs, noops, connect and disconnect', () => {
    expect(readEioFrame('0{"sid":"a","upgrades":[],"pingInterval":25000,"pingTimeout":60000}')).toEqual({
      kind: 'open',
      pingIntervalMs: 25_000,
      pingTimeoutMs: 60_000,
    });
    expect(readEioFrame('0{"sid":"a"}')).toEqual({ kind: 'open', pingIntervalMs: 25_000, pingTimeoutMs: 20_000 });
    expect(readEioFrame('3')).toEqual({ kind: 'pong' });
    expect(readEioFrame('3probe')).toEqual({ kind: 'pong' });
    expect(readEioFrame('6')).toEqual({ kind: 'noop' });
    expect(readEioFrame('1')).toEqual({ kind: 'close' });
    expect(readEioFrame('40')).toEqual({ kind: 'connected' });
    expect(readEioFrame('41')).toEqual({ kind: 'disconnected' });
  });

  it('reads events with JSON text, object and missing payloads, and an ack id before the array', () => {
    expect(readEioFrame('42["1512-json-full","{\\"a\\":1}"]')).toEqual({ kind: 'event', name: '1512-json-full', payload: '{"a":1}' });
    expect(readEioFrame('42["order",{"AppOrderID":7}]')).toEqual({ kind: 'event', name: 'order', payload: { AppOrderID: 7 } });
    expect(readEioFrame('42["joined"]')).toEqual({ kind: 'event', name: 'joined', payload: undefined });
    expect(readEioFrame('4212["joined","x"]')).toEqual({ kind: 'event', name: 'joined', payload: 'x' });
  });

  it('reads a refusal as text, whether a JSON string (v2 servers) or the error data (v4 servers)', () => {
    expect(readEioFrame('44"Invalid Token"')).toEqual({ kind: 'refused', text: '"Invalid Token"' });
    expect(readEioFrame('44{"type":"error","code":"e-session-0007","description":"Invalid Token"}')).toMatchObject({ kind: 'refused' });
    expect(refusalReason('"Invalid Token"')).toBe('auth');
    expect(refusalReason('{"message":"Not authorized"}')).toBe('auth');
    expect(refusalReason('"server full"')).toBe('refused');
  });

  it('refuses malformed and truncated frames, and marks other namespaces, acks and binary events as not ours', () => {
    for (const bad of ['', '0', '0{"sid":', '0null', '42["1512-json-fu', '42{"a":1}', '42[1,2]', '42', '9x', 'x', '4', '4x']) {
      expect(readEioFrame(bad), bad).toBeNull();
    }
    expect(readEioFrame('42/admin,["x"]')).toEqual({ kind: 'other' });
    expect(readEioFrame('431[]')).toEqual({ kind: 'other' });
    expect(readEioFrame('451-["x",{"_placeholder":true,"num":0}]')).toEqual({ kind: 'other' });
  });

  it('builds the websocket URL socket.io-client 2.x uses, under the host and any proxy prefix', () => {
    const ctx = (baseUrl: string) => brokerContext({ baseUrl, environment: 'live', credentials: {}, clock: { now: () => 0 } as never });
    expect(socketUrl(ctx('https://ttblaze.iifl.com'), '/apimarketdata', { token: 't k', userID: 'U1' })).toBe(
      'wss://ttblaze.iifl.com/apimarketdata/socket.io/?token=t+k&userID=U1&EIO=3&transport=websocket',
    );
    expect(socketUrl(ctx('http://127.0.0.1:4100/proxy/'), '/interactive', { apiType: 'INTERACTIVE' })).toBe(
      'ws://127.0.0.1:4100/proxy/interactive/socket.io/?apiType=INTERACTIVE&EIO=3&transport=websocket',
    );
  });
});

import { X509Certificate } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { AddressInfo } from 'node:net';
import { generate } from 'selfsigned';

export interface TlsFront {
  port: number;
  /** SHA-256 fingerprint of the certificate, as Node prints it (AB:CD:…). */
  fingerprint256: string;
  close(): Promise<void>;
}

/**
 * Put HTTPS with a fresh self-signed certificate (like the gateway's own) in front of the plain HTTP
 * simulator: a TLS listener on 127.0.0.1 piping each connection to the HTTP port.
 */
export async function tlsFront(httpPort: number, port = 0): Promise<TlsFront> {
  const pems = await generate([{ name: 'commonName', value: 'localhost' }], {
    keyType: 'ec',
    algorithm: 'sha256',
    extensions: [
      { name: 'basicConstraints', cA: false },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
        ],
      },
    ],
  });
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({ key: pems.private, cert: pems.cert }, (client) => {
    const upstream = net.connect(httpPort, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    fingerprint256: new X509Certificate(pems.cert).fingerprint256,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

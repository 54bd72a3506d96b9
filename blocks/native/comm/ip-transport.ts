import dgram from 'node:dgram';
import net from 'node:net';
import type { IpCommId as CommId } from './comm-id.js';

/**
 * The ip layer of FORTE's communication FBs on Node's sockets: UDP (unicast or a multicast
 * group) for PUBLISH/SUBSCRIBE, TCP for CLIENT/SERVER. Sockets live outside the event chain:
 * whatever they receive is handed to `onData` from the event loop, and the FB turns it into
 * an external event of its resource. Failures are reported as FORTE's STATUS texts.
 */
export interface TransportEvents {
  /** open succeeded (ok) or failed with a STATUS text */
  onOpen(ok: boolean, status: string): void;
  onData(bytes: Uint8Array): void;
  /** the peer went away or the socket failed after open */
  onClosed(status: string): void;
}

export interface Transport {
  send(bytes: Uint8Array): string | undefined;
  close(): void;
}

/** FORTE answers any socket it cannot open (port in use, peer refusing, no route) with INVALID_ID */
const OPEN_FAILED = 'INVALID_ID';

function statusOf(e: unknown): string {
  const code = (e as { code?: string }).code;
  // after opening: a lost peer is TERMINATED
  if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE') return 'TERMINATED';
  return 'NO_SOCKET';
}

/** PUBLISH: an unbound UDP socket sending to the ID's address (a multicast group: TTL 1, loopback on). */
export function udpPublisher(id: CommId, ev: TransportEvents): Transport {
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let open = true;
  s.on('error', (e) => {
    if (open) ev.onClosed(statusOf(e));
  });
  s.bind(0, () => {
    if (id.multicast) {
      s.setMulticastTTL(1);
      s.setMulticastLoopback(true);
    }
    ev.onOpen(true, 'OK');
  });
  return {
    send(bytes) {
      if (!open) return 'NO_SOCKET';
      s.send(bytes, id.port, id.host, (e) => {
        if (e && open) ev.onClosed('SEND_FAILED');
      });
      return undefined;
    },
    close() {
      open = false;
      s.close();
    },
  };
}

/** SUBSCRIBE: a UDP socket bound to the ID's port (and joined to its group). */
export function udpSubscriber(id: CommId, ev: TransportEvents): Transport {
  // as FORTE: SO_REUSEADDR, and bound to the port on every address (the ID's host may be an
  // address the datagrams are sent to but that is not this host's: NAT, a published container port)
  const s = dgram.createSocket({ type: 'udp4', reuseAddr: true });
  let open = false;
  let closed = false;
  s.on('error', (e) => {
    if (closed) return;
    if (!open) ev.onOpen(false, OPEN_FAILED);
    else ev.onClosed(statusOf(e));
    closed = true;
    s.close();
  });
  s.on('message', (m) => {
    if (!closed) ev.onData(m);
  });
  s.bind(id.port, () => {
    try {
      if (id.multicast) s.addMembership(id.host);
    } catch {
      closed = true;
      s.close();
      ev.onOpen(false, OPEN_FAILED);
      return;
    }
    open = true;
    ev.onOpen(true, 'OK');
  });
  return {
    send: () => 'INVALID_OBJECT',
    close() {
      if (closed) return;
      closed = true;
      s.close();
    },
  };
}

/** CLIENT: a TCP connection to the ID's address. */
export function tcpClient(id: CommId, ev: TransportEvents): Transport {
  const s = net.connect({ host: id.host, port: id.port });
  s.setNoDelay(true);
  let open = false;
  let closed = false;
  s.on('connect', () => {
    open = true;
    ev.onOpen(true, 'OK');
  });
  s.on('data', (d) => ev.onData(d));
  s.on('error', (e) => {
    if (closed) return;
    closed = true;
    if (!open) ev.onOpen(false, OPEN_FAILED);
    else ev.onClosed(statusOf(e));
  });
  s.on('close', () => {
    if (closed) return;
    closed = true;
    ev.onClosed('TERMINATED');
  });
  return {
    send(bytes) {
      if (!open || closed) return 'NO_SOCKET';
      s.write(bytes);
      return undefined;
    },
    close() {
      closed = true;
      s.destroy();
    },
  };
}

/**
 * SERVER: listens on the ID's address and serves one client at a time, as FORTE's: a client
 * that connects while another is served is accepted and closed at once; when the served one
 * goes, the server listens again without telling the resource.
 */
export function tcpServer(id: CommId, ev: TransportEvents): Transport {
  let peer: net.Socket | undefined;
  let closed = false;
  const server = net.createServer((c) => {
    if (peer) {
      c.destroy();
      return;
    }
    peer = c;
    c.setNoDelay(true);
    c.on('data', (d) => {
      if (peer === c) ev.onData(d);
    });
    c.on('error', () => {});
    c.on('close', () => {
      if (peer === c) peer = undefined;
    });
  });
  server.on('error', (e) => {
    if (closed) return;
    closed = true;
    ev.onOpen(false, OPEN_FAILED);
  });
  // as FORTE's: on the port of every IPv4 address, whatever host the ID names
  server.listen(id.port, '0.0.0.0', () => ev.onOpen(true, 'OK'));
  return {
    send(bytes) {
      if (!peer) return 'NO_SOCKET';
      peer.write(bytes);
      return undefined;
    },
    close() {
      closed = true;
      peer?.destroy();
      server.close();
    },
  };
}

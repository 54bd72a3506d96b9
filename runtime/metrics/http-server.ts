import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.js';

/**
 * What `/healthz` answers: `ok` decides the status code (200/503); `status` tells the states
 * apart for monitoring: `ok`, `degraded` (200: the PLC runs but an I/O device is unreachable)
 * and `faulted` (503); the rest explains it.
 */
export interface HealthReport {
  ok: boolean;
  status?: 'ok' | 'degraded' | 'faulted';
  [detail: string]: unknown;
}

export interface MetricsEndpoint {
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The metrics over HTTP, on 127.0.0.1 unless told otherwise: `/metrics` in Prometheus text,
 * `/metrics.json` as the JSON snapshot, `/healthz` for liveness probes (containers, systemd,
 * load balancers). Port 0 picks a free one.
 */
export function startMetricsServer(options: {
  port: number;
  host?: string;
  prometheus: () => string;
  json: () => unknown;
  /** `/healthz`: 200 with the report when `ok`, 503 otherwise; without it, 200 while the process serves */
  health?: () => HealthReport;
}): Promise<MetricsEndpoint> {
  const host = options.host ?? '127.0.0.1';
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
    } else if (path === '/metrics') {
      res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE }).end(options.prometheus());
    } else if (path === '/healthz') {
      const report = options.health ? options.health() : { ok: true };
      res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(report) + '\n');
    } else if (path === '/metrics.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(options.json()));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('vPLC metrics: see /metrics, /metrics.json or /healthz\n');
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        port,
        url: `http://${host}:${port}`,
        close: () => new Promise<void>((done) => server.close(() => done())),
      });
    });
  });
}

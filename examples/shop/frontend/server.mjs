// berth example "shop" frontend: serves index.html and proxies /api/* to the backend.
//
//   GET /          the page (fetches /api/items)
//   GET /api/...   proxied to $BACKEND_URL/api/...
//   GET /health    200 when the backend's /health answers 200, else 503
//
// Environment: PORT (8080), BACKEND_URL (http://backend:3000). No dependencies.
import http from 'node:http';
import { readFileSync } from 'node:fs';

const PORT = Number(process.env.PORT ?? 8080);
const BACKEND = new URL(process.env.BACKEND_URL ?? 'http://backend:3000');
const INDEX = readFileSync(new URL('./index.html', import.meta.url));
const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });

function log(msg, extra = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), service: 'frontend', msg, ...extra }));
}

function sendJson(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

// Forward one request to the backend; calls back with the backend's response or an error.
function forward(req, path, timeoutMs, onResponse, onError) {
  const headers = { ...req.headers, host: BACKEND.host };
  const upstream = http.request(
    { protocol: BACKEND.protocol, hostname: BACKEND.hostname, port: BACKEND.port || 80, path, method: req.method, headers, agent },
    onResponse,
  );
  upstream.setTimeout(timeoutMs, () => upstream.destroy(new Error(`backend: no answer within ${timeoutMs} ms`)));
  upstream.on('error', onError);
  return upstream;
}

const server = http.createServer((req, res) => {
  const path = req.url ?? '/';
  if (path === '/' || path === '/index.html') {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-length': INDEX.length });
    return res.end(req.method === 'HEAD' ? undefined : INDEX);
  }
  if (path === '/health') {
    const up = forward(
      { method: 'GET', headers: {} },
      '/health',
      2000,
      (r) => {
        r.resume();
        sendJson(res, r.statusCode === 200 ? 200 : 503, { backend: r.statusCode });
      },
      (err) => sendJson(res, 503, { backend: err.message }),
    );
    return up.end();
  }
  if (path.startsWith('/api/')) {
    const up = forward(
      req,
      path,
      10_000,
      (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      },
      (err) => {
        log('proxy error', { path, error: err.message });
        if (!res.headersSent) sendJson(res, 502, { error: err.message });
        else res.destroy();
      },
    );
    return req.pipe(up);
  }
  sendJson(res, 404, { error: 'not found' });
});

server.listen(PORT, () => log('listening', { port: PORT, backend: BACKEND.href }));

let stopping = false;
function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log('shutting down', { signal });
  setTimeout(() => process.exit(1), 3000).unref();
  server.close(() => process.exit(0));
  server.closeIdleConnections?.();
  agent.destroy();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

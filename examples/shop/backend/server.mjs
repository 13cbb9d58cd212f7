// berth example "shop" backend: items from PostgreSQL, a visit counter in Redis.
//
//   GET /health      200 when PostgreSQL (select 1) and Redis (PING) both answer, else 503
//   GET /api/items   { items: [...rows of table items...], counter: <INCR shop:counter> }
//
// Environment: PORT (3000), POSTGRES_HOST (postgres), POSTGRES_PORT (5432), POSTGRES_USER,
// POSTGRES_PASSWORD, POSTGRES_DB, REDIS_HOST (redis), REDIS_PORT (6379).
import http from 'node:http';
import pg from 'pg';
import { createClient } from 'redis';

const env = process.env;
const PORT = Number(env.PORT ?? 3000);
const CHECK_TIMEOUT_MS = 1500;
const COUNTER_KEY = 'shop:counter';

const SEED = [
  ['Canvas tote bag', 1200],
  ['Enamel mug', 900],
  ['Rope fender', 2450],
  ['Brass compass', 5800],
  ['Signal flag set', 3100],
];

function log(msg, extra = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), service: 'backend', msg, ...extra }));
}

const pool = new pg.Pool({
  host: env.POSTGRES_HOST ?? 'postgres',
  port: Number(env.POSTGRES_PORT ?? 5432),
  user: env.POSTGRES_USER ?? 'postgres',
  password: env.POSTGRES_PASSWORD ?? '',
  database: env.POSTGRES_DB ?? env.POSTGRES_USER ?? 'postgres',
  max: 5,
  connectionTimeoutMillis: 2000,
  idleTimeoutMillis: 10_000,
  query_timeout: 3000,
});
// Idle clients whose server went away emit here; the pool replaces them on demand.
pool.on('error', (err) => log('postgres idle client error', { error: err.message }));

const redis = createClient({
  socket: {
    host: env.REDIS_HOST ?? 'redis',
    port: Number(env.REDIS_PORT ?? 6379),
    connectTimeout: 2000,
    reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 1000),
  },
  // Fail commands at once while disconnected instead of queueing them.
  disableOfflineQueue: true,
});
let lastRedisError = '';
redis.on('error', (err) => {
  if (err.message !== lastRedisError) log('redis error', { error: err.message });
  lastRedisError = err.message;
});
redis.on('ready', () => {
  lastRedisError = '';
  log('redis ready');
});

let ready = false;
let stopping = false;

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Create and seed the table (idempotent, safe with several replicas starting at once).
async function migrate() {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(4242)');
    await client.query(`CREATE TABLE IF NOT EXISTS items (
      id serial PRIMARY KEY,
      name text NOT NULL UNIQUE,
      price_cents integer NOT NULL
    )`);
    for (const [name, price] of SEED) {
      await client.query(
        'INSERT INTO items (name, price_cents) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
        [name, price],
      );
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

async function init() {
  // The databases may still be starting: retry until both answer.
  redis.connect().catch((err) => log('redis connect failed', { error: err.message }));
  for (let attempt = 1; !stopping; attempt++) {
    try {
      await migrate();
      log('postgres ready, table items migrated', { attempt });
      break;
    } catch (err) {
      if (attempt === 1 || attempt % 10 === 0) log('waiting for postgres', { attempt, error: err.message });
      await sleep(500);
    }
  }
  ready = !stopping;
}

async function checkHealth() {
  const results = await Promise.allSettled([
    withTimeout(pool.query('SELECT 1'), CHECK_TIMEOUT_MS, 'postgres'),
    withTimeout(redis.ping(), CHECK_TIMEOUT_MS, 'redis'),
  ]);
  const [pgRes, redisRes] = results;
  return {
    ok: ready && results.every((r) => r.status === 'fulfilled'),
    postgres: pgRes.status === 'fulfilled' ? 'ok' : String(pgRes.reason?.message ?? pgRes.reason),
    redis: redisRes.status === 'fulfilled' ? 'ok' : String(redisRes.reason?.message ?? redisRes.reason),
    migrated: ready,
  };
}

function send(res, status, body) {
  const data = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  try {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, { error: 'method not allowed' });
    if (url.pathname === '/health') {
      const health = await checkHealth();
      return send(res, health.ok ? 200 : 503, health);
    }
    if (url.pathname === '/api/items') {
      if (!ready) return send(res, 503, { error: 'starting' });
      const [rows, counter] = await Promise.all([
        pool.query('SELECT id, name, price_cents FROM items ORDER BY id'),
        withTimeout(redis.incr(COUNTER_KEY), CHECK_TIMEOUT_MS, 'redis'),
      ]);
      return send(res, 200, { items: rows.rows, counter });
    }
    if (url.pathname === '/') return send(res, 200, { service: 'shop-backend', endpoints: ['/health', '/api/items'] });
    return send(res, 404, { error: 'not found' });
  } catch (err) {
    log('request failed', { path: url.pathname, error: err.message });
    if (!res.headersSent) send(res, 503, { error: err.message });
    else res.destroy();
  }
});

server.listen(PORT, () => log('listening', { port: PORT }));
init();

async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  log('shutting down', { signal });
  setTimeout(() => process.exit(1), 3000).unref();
  server.close();
  server.closeIdleConnections?.();
  await Promise.allSettled([pool.end(), redis.isOpen ? redis.close?.() ?? redis.quit() : undefined]);
  process.exit(0);
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));

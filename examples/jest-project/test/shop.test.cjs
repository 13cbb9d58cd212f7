// The tests only read where things are from process.env; they never start, wait for or clean up
// anything. CommonJS so that Jest runs it without experimental VM modules.
const pg = require("pg");

const env = process.env;

describe("shop, against its own berth environment (Jest)", () => {
  test("serves items from PostgreSQL through the frontend", async () => {
    const res = await fetch(`http://${env.FRONTEND_HOST}:${env.FRONTEND_PORT}/api/items`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.length).toBeGreaterThan(0);
  });

  test("has the seeded rows in its own PostgreSQL", async () => {
    const client = new pg.Client({ host: env.POSTGRES_HOST, port: Number(env.POSTGRES_PORT_5432), user: "shop", password: "shop-secret", database: "shop" });
    await client.connect();
    try {
      const r = await client.query("select count(*)::text as n from items");
      expect(Number(r.rows[0].n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  test("sees the whole environment description berth provides", () => {
    const provided = JSON.parse(env.BERTH_ENVIRONMENT);
    expect(provided.project).toBe(env.BERTH_PROJECT);
    if (env.COMPOSE_PROJECT_NAME) expect(provided.project).toBe(env.COMPOSE_PROJECT_NAME);
  });
});

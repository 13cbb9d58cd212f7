// The tests only ask berth where things are; they never start, wait for or clean up anything.
import { connect } from "node:net";
import pg from "pg";
import { environmentView } from "berth/vitest";
import { describe, expect, inject, it } from "vitest";

const env = environmentView(inject("berth"));

/** One Redis command over RESP, without a client library. */
function redis(command: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: env.variables.REDIS_HOST, port: Number(env.variables.REDIS_PORT) });
    socket.setEncoding("utf8");
    socket.on("error", reject);
    socket.once("data", (reply: string) => {
      socket.end();
      resolve(reply.trim());
    });
    socket.write(`*${command.length}\r\n${command.map((c) => `$${Buffer.byteLength(c)}\r\n${c}\r\n`).join("")}`);
  });
}

describe("shop, against its own berth environment", () => {
  it("serves items from PostgreSQL and counts visits in Redis", async () => {
    const res = await fetch(`${env.url("frontend", 8080)}/api/items`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: { name: string }[]; counter: number };
    expect(body.items.length).toBeGreaterThan(0);

    // The counter the frontend reported is the one stored in this environment's Redis.
    const reply = await redis(["GET", "shop:counter"]); // "$1\r\n1"
    expect(reply.split("\r\n")[1]).toBe(String(body.counter));
  });

  it("has the seeded rows in its own PostgreSQL", async () => {
    const client = new pg.Client({ host: env.variables.POSTGRES_HOST, port: env.hostPort("postgres", 5432), user: "shop", password: "shop-secret", database: "shop" });
    await client.connect();
    try {
      const r = await client.query<{ n: string }>("select count(*)::text as n from items");
      expect(Number(r.rows[0]!.n)).toBeGreaterThan(0);
    } finally {
      await client.end();
    }
  });

  it("exposes the connection variables berth run would inject", () => {
    expect(env.variables.BERTH_PROJECT).toBe(env.project);
    if (process.env.COMPOSE_PROJECT_NAME) expect(env.project).toBe(process.env.COMPOSE_PROJECT_NAME);
    expect(process.env.FRONTEND_PORT).toBe(String(env.hostPort("frontend", 8080)));
    expect(Number(env.variables.POSTGRES_PORT_5432)).toBe(env.hostPort("postgres", 5432));
  });
});

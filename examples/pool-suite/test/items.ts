// What every test file of the suite does: start from the seed (the shop's 5 items, untouched by
// any other file), write rows of its own, and count them. A row left by another file, or a
// missing seed row, fails the count.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SEED_ITEMS = 5;

export function writesRowsAndCounts(file: number): void {
  describe(`test file ${file}`, () => {
    let db: pg.Client;
    beforeAll(async () => {
      db = new pg.Client({ host: process.env.POSTGRES_HOST, port: Number(process.env.POSTGRES_PORT), user: "shop", password: "shop-secret", database: "shop" });
      await db.connect();
    });
    afterAll(() => db?.end());
    const count = async () => Number((await db.query<{ n: string }>("select count(*)::text as n from items")).rows[0]!.n);

    it("starts from the seed data alone", async () => {
      expect(await count()).toBe(SEED_ITEMS);
    });

    it(`adds ${file} items of its own and counts them`, async () => {
      for (let i = 1; i <= file; i++) await db.query("insert into items (name, price_cents) values ($1, $2)", [`file ${file} item ${i}`, 100 * i]);
      expect(await count()).toBe(SEED_ITEMS + file);
    });
  });
}

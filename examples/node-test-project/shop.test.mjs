import assert from "node:assert/strict";
import { test } from "node:test";

const base = `http://${process.env.FRONTEND_HOST}:${process.env.FRONTEND_PORT}`;

test("the shop lists items", async () => {
  assert.ok(process.env.BERTH_PROJECT, "run me under `berth run` (see README.md)");
  const res = await fetch(`${base}/api/items`);
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.ok(body.items.length > 0);
});

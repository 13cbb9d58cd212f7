// Vitest setup file, pool mode: runs before every test file. Claims the file's own environment from
// the pool (its variables in process.env before the file loads) and hands it back after the file;
// the pool resets it to the seeded snapshot before another file gets it.
import { afterAll } from "vitest";
import { useBerthPoolEnvironment } from "berth/vitest";

await useBerthPoolEnvironment({ afterAll });

// A separate process using a shared environment: acquire, report, wait for "release", release.
import { createInterface } from "node:readline";
import { acquire } from "../../dist/index.js";

const [file, projectName] = process.argv.slice(2);
const env = await acquire({ files: [file], kind: "dev", mode: "shared", ...(projectName ? { projectName } : {}) });
process.stdout.write(JSON.stringify({ project: env.project, db: env.services.db.containers[0].id }) + "\n");
const lines = createInterface({ input: process.stdin });
for await (const line of lines) {
  if (line.trim() === "release") {
    const result = await env.release();
    process.stdout.write(JSON.stringify({ released: result !== null }) + "\n");
    break;
  }
}
process.exit(0);

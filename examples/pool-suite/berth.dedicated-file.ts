// Vitest setup file, dedicated mode: runs before every test file. A new environment of the shop for
// this file alone (its variables in process.env before the file loads), removed after the file.
import { afterAll } from "vitest";
import { acquire } from "berth";
import { files } from "./files.js";

const env = await acquire({ files, timeoutMs: 180_000 });
const variables = env.connectionVariables();
Object.assign(process.env, variables, { BERTH_ENVIRONMENT: JSON.stringify({ ...env.toJSON(), variables }) });
afterAll(() => env.release());

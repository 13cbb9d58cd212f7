// One "test process" of the soak that uses berth as a library: acquire() an environment from the
// built dist/ (SOAK_DIST), hold it a moment, release() it, and print one JSON result line. The soak
// worker may SIGKILL or SIGINT it at any point, as a CI cancel or a killed test runner would.
// argv: <compose file> <project> <hold ms>
const [file, project, holdMs] = process.argv.slice(2);
const dist = process.env.SOAK_DIST;
const { acquire } = await import(`${dist}/index.js`);
const out = (o) => process.stdout.write(`${JSON.stringify({ type: "result", ...o })}\n`);
let env;
// SIGINT as a test runner gets it on Ctrl-C: release what we have, then leave.
process.on("SIGINT", () => { (env ? env.release() : Promise.resolve()).finally(() => process.exit(130)); });
try {
  env = await acquire({ files: [file], projectName: project, env: process.env });
  await new Promise((r) => setTimeout(r, Number(holdMs)));
  await env.release();
  out({ ok: true });
} catch (error) {
  out({ ok: false, error: { code: error.code ?? "INTERNAL", message: String(error.message ?? error) } });
  process.exitCode = 1;
}

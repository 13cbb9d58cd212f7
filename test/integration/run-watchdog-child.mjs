// Stands in for `berth run`: starts the watchdog (dist/cli/commands/run-watchdog.js), then, by mode:
// `watch`: spawns CMD (sh with a child sleep; it prints "$$ $!"), hands its pid to the watchdog and
// SIGKILLs itself at once, the tightest moment berth can die in; `early`: SIGKILLs itself before
// any CMD (the watchdog must touch nothing); `stop`: spawns CMD, watches it, stops the watchdog (as
// berth does when CMD exits) and then SIGKILLs itself: CMD must live on; `window`: spawns CMD and
// SIGKILLs itself before handing over the pid (the moment between CMD's exec and spawn()'s return):
// the watchdog must find CMD by the token in its environment.
import { spawn } from "node:child_process";
import { startWatchdog } from "../../dist/cli/commands/run-watchdog.js";

const mode = process.argv[2];
const dog = startWatchdog();
if (mode === "early") process.kill(process.pid, "SIGKILL");
const cmd = spawn("sh", ["-c", 'sleep 60 & echo "$$ $!"; wait'], { stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, ...dog.env } });
if (mode === "window") process.kill(process.pid, "SIGKILL");
dog.watch(cmd.pid);
if (mode === "stop") dog.stop();
process.kill(process.pid, "SIGKILL");

/**
 * Registry credentials found the way the docker CLI finds them: `$DOCKER_CONFIG/config.json` (else
 * `~/.docker/config.json`); a `credHelpers` entry for the registry, else `credsStore`, asked through
 * the `docker-credential-<helper> get` protocol (the server address on stdin, JSON on stdout); else
 * the `auths` entry (`auth` = base64 `user:password`, or `username`/`password`, or `identitytoken`).
 * Docker Hub's key is `https://index.docker.io/v1/`.
 *
 * What this returns goes only into the X-Registry-Auth header of the pull (engine/pull.ts): never
 * into labels, events, logs or error messages. Errors here name the helper and the registry, never
 * what a helper printed on stdout (which holds the secret).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { RegistryAuth } from "../engine/pull.js";
import { BerthError } from "../errors.js";
import { authKeyOf, hostOfAuthKey } from "./reference.js";

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
}

type Env = Record<string, string | undefined>;

const HELPER_TIMEOUT_MS = 30_000;

export function dockerConfigPath(env: Env): string {
  return join(env.DOCKER_CONFIG || join(env.HOME || homedir(), ".docker"), "config.json");
}

function readConfig(env: Env): DockerConfig {
  const path = dockerConfigPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return {}; // no config: anonymous pulls
  }
  try {
    return JSON.parse(text) as DockerConfig;
  } catch (error) {
    throw new BerthError("USAGE", `${path} is not valid JSON (${(error as Error).message.split("\n")[0]})`, {
      hint: "Fix or remove the docker CLI's config file; berth reads registry credentials from it.",
    });
  }
}

/** The credentials for registry `host` (`docker.io` for Docker Hub), or undefined for an anonymous pull. */
export async function credentialsFor(host: string, env: Env): Promise<RegistryAuth | undefined> {
  const config = readConfig(env);
  const serveraddress = authKeyOf(host);
  const helper = Object.entries(config.credHelpers ?? {}).find(([k]) => hostOfAuthKey(k) === host)?.[1] ?? config.credsStore;
  if (helper) {
    const fromHelper = await askHelper(helper, serveraddress, env);
    if (fromHelper) return fromHelper;
  }
  const entry = Object.entries(config.auths ?? {}).find(([k]) => hostOfAuthKey(k) === host)?.[1];
  return entry ? fromAuthEntry(entry, serveraddress) : undefined;
}

export function fromAuthEntry(entry: AuthEntry, serveraddress: string): RegistryAuth | undefined {
  if (entry.identitytoken) return { identitytoken: entry.identitytoken, serveraddress };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
  }
  if (entry.username && entry.password !== undefined) return { username: entry.username, password: entry.password, serveraddress };
  return undefined;
}

/**
 * `docker-credential-<helper> get`: the server address on stdin; `{ServerURL, Username, Secret}` on
 * stdout, where Username `<token>` means Secret is an identity token. "credentials not found" (on
 * stdout, exit 1) means none. A missing helper or another failure is an error naming the helper.
 */
export async function askHelper(helper: string, serveraddress: string, env: Env): Promise<RegistryAuth | undefined> {
  const program = `docker-credential-${helper}`;
  const { code, stdout, spawnError } = await new Promise<{ code: number | null; stdout: string; spawnError?: Error }>((resolve) => {
    const child = spawn(program, ["get"], { env, stdio: ["pipe", "pipe", "ignore"], timeout: HELPER_TIMEOUT_MS });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.on("error", (error) => resolve({ code: null, stdout: "", spawnError: error }));
    child.on("close", (c) => resolve({ code: c, stdout: out }));
    child.stdin.on("error", () => undefined); // a helper that exits without reading
    child.stdin.end(serveraddress);
  });
  if (spawnError) {
    throw new BerthError("USAGE", `the docker credential helper ${program} (named in ${dockerConfigPath(env)}) could not be run: ${spawnError.message}`, {
      hint: `Install ${program} on PATH, or remove "${helper}" from credsStore/credHelpers in the docker config.`,
    });
  }
  if (code !== 0) {
    if (/credentials not found/i.test(stdout)) return undefined;
    // stdout is not shown: a misbehaving helper may have printed the secret.
    throw new BerthError("USAGE", `the docker credential helper ${program} failed for ${serveraddress} (exit ${code})`, {
      hint: `Run \`echo ${serveraddress} | ${program} get\` to see why, or log in again with \`docker login\`.`,
    });
  }
  let answer: { Username?: string; Secret?: string };
  try {
    answer = JSON.parse(stdout) as { Username?: string; Secret?: string };
  } catch {
    throw new BerthError("USAGE", `the docker credential helper ${program} answered ${serveraddress} with something that is not JSON`, {
      hint: `Check ${program}: it must print {"ServerURL","Username","Secret"}.`,
    });
  }
  if (!answer.Secret) return undefined;
  if (answer.Username === "<token>") return { identitytoken: answer.Secret, serveraddress };
  return { username: answer.Username ?? "", password: answer.Secret, serveraddress };
}

import { describe, expect, it } from "vitest";
import { parseDuration } from "../../../src/compose/duration.js";
import { parseEnvFile } from "../../../src/compose/env-file.js";
import { interpolateString, InterpolationError, type Lookup } from "../../../src/compose/interpolate.js";
import { parsePortShort, PortSyntaxError } from "../../../src/compose/ports.js";
import { splitShellWords, ShellWordsError } from "../../../src/compose/shell-words.js";
import { parseBytes } from "../../../src/compose/units.js";
import { parseVolumeShort, VolumeSyntaxError } from "../../../src/compose/volume-syntax.js";
import { suggest } from "../../../src/compose/did-you-mean.js";

const vars: Record<string, string> = { A: "a", EMPTY: "", SECRET: "s3" };
const lookup: Lookup = (n) => ({ value: vars[n], secret: n === "SECRET" });
const interp = (s: string) => interpolateString(s, lookup).value;

describe("interpolation", () => {
  it.each([
    ["$A", "a"],
    ["${A}", "a"],
    ["x${A}y$A", "xaya"],
    ["${NOPE:-d}", "d"],
    ["${EMPTY:-d}", "d"],
    ["${EMPTY-d}", ""],
    ["${NOPE-d}", "d"],
    ["${A:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${NOPE+alt}", ""],
    ["${NOPE:-${ALSO:-${A}}}", "a"],
    ["$$A", "$A"],
    ["$${A}", "${A}"],
    ["${A:?must}", "a"],
    ["${NOPE}", ""],
  ])("%s → %s", (input, want) => {
    expect(interp(input)).toBe(want);
  });
  it("fails on unset or empty required variables with the message", () => {
    expect(() => interp("${NOPE:?set NOPE}")).toThrow("required variable NOPE is unset: set NOPE");
    expect(() => interp("${EMPTY:?}")).toThrow("required variable EMPTY is empty");
    expect(interp("${EMPTY?}")).toBe("");
  });
  it.each(["${", "${A", "${}", "${A:x}", "${1A}"])("rejects %s", (s) => {
    expect(() => interp(s)).toThrow(InterpolationError);
  });
  it("reports secret use and unset variables", () => {
    expect(interpolateString("${SECRET}", lookup).secret).toBe(true);
    expect(interpolateString("${A}", lookup).secret).toBe(false);
    expect(interpolateString("${NOPE:-${SECRET}}", lookup).secret).toBe(true);
    expect(interpolateString("$X-${Y}", lookup).unset).toEqual(["X", "Y"]);
  });
});

describe("shell words", () => {
  it.each([
    ["echo hi", ["echo", "hi"]],
    ["  a   b  ", ["a", "b"]],
    [`sh -c "echo \\"x\\"; ls"`, ["sh", "-c", 'echo "x"; ls']],
    [`echo 'a \\ b' "c d"`, ["echo", "a \\ b", "c d"]],
    ["a\\ b", ["a b"]],
    ["''", [""]],
    ['x"y z"w', ["xy zw"]],
    ["", []],
  ])("%s", (input, want) => {
    expect(splitShellWords(input)).toEqual(want);
  });
  it("rejects unterminated quotes", () => {
    expect(() => splitShellWords("echo 'oops")).toThrow(ShellWordsError);
  });
});

describe("port short syntax", () => {
  it("parses every documented form", () => {
    expect(parsePortShort("80")).toEqual([{ target: 80, protocol: "tcp" }]);
    expect(parsePortShort(80)).toEqual([{ target: 80, protocol: "tcp" }]);
    expect(parsePortShort("8080:80/udp")).toEqual([{ target: 80, published: "8080", protocol: "udp" }]);
    expect(parsePortShort("127.0.0.1::80")).toEqual([{ target: 80, host_ip: "127.0.0.1", protocol: "tcp" }]);
    expect(parsePortShort("[::1]:80:80")).toEqual([{ target: 80, published: "80", host_ip: "::1", protocol: "tcp" }]);
    expect(parsePortShort("8000-8010:80")).toEqual([{ target: 80, published: "8000-8010", protocol: "tcp" }]);
    expect(parsePortShort("1-2:3-4")).toEqual([
      { target: 3, published: "1", protocol: "tcp" },
      { target: 4, published: "2", protocol: "tcp" },
    ]);
  });
  it.each([
    ["80:80:80:80", "too many colons"],
    ["0", "out of range"],
    ["65536", "out of range"],
    ["80/http", 'protocol "http"'],
    ["1-3:1-2", "host range has 3 ports but the container range has 2"],
    ["9-1", "ends before it starts"],
    ["300.1.1.1:80:80", "not an IP address"],
    ["80:", "container port is missing"],
  ])("rejects %s", (spec, message) => {
    expect(() => parsePortShort(spec)).toThrow(PortSyntaxError);
    expect(() => parsePortShort(spec)).toThrow(message);
  });
});

describe("volume short syntax", () => {
  it("classifies bind, named and anonymous volumes", () => {
    expect(parseVolumeShort("/data")).toEqual({ type: "volume", target: "/data" });
    expect(parseVolumeShort("cache:/cache:nocopy")).toEqual({ type: "volume", source: "cache", target: "/cache", volume: { nocopy: true } });
    expect(parseVolumeShort("./x:/x:ro,Z")).toEqual({
      type: "bind",
      source: "./x",
      target: "/x",
      read_only: true,
      bind: { create_host_path: true, selinux: "Z" },
    });
    expect(parseVolumeShort("~/x:/x:rshared")).toEqual({ type: "bind", source: "~/x", target: "/x", bind: { create_host_path: true, propagation: "rshared" } });
  });
  it.each(["rel/path:/x", "./x:y", "a:/b:bogus", "a:b:c:d", ":/x"])("rejects %s", (spec) => {
    expect(() => parseVolumeShort(spec)).toThrow(VolumeSyntaxError);
  });
});

describe("durations and sizes", () => {
  it.each([
    ["1m30s", 90_000],
    ["500ms", 500],
    ["1.5s", 1500],
    ["2h", 7_200_000],
    ["0", 0],
    ["1h2m3s4ms", 3_723_004],
    ["100us", 0],
  ])("%s = %d ms", (s, ms) => {
    expect(parseDuration(s)).toBe(ms);
  });
  it.each(["10", "5 seconds", "1x", "", "s", "1m 30s"])("rejects %j", (s) => {
    expect(parseDuration(s)).toBeUndefined();
  });
  it("reads sizes", () => {
    expect(parseBytes("512m")).toBe(512 * 1024 ** 2);
    expect(parseBytes("1GB")).toBe(1024 ** 3);
    expect(parseBytes("1.5k")).toBe(1536);
    expect(parseBytes(2048)).toBe(2048);
    expect(parseBytes("lots")).toBeUndefined();
  });
});

describe("env files", () => {
  it("follows Compose's dotenv rules", () => {
    const { values, problems } = parseEnvFile(
      ["# c", "export A=1", "B = spaced ", "C='lit $A'", 'D="x\\ny ${A}"', "E=v # note", "F=a#b", "G", "H=${A}-${OUTER}", 'M="l1', 'l2"'].join("\n"),
      (n) => ({ OUTER: "o", G: "from-outer" })[n],
    );
    expect(problems).toEqual([]);
    expect(Object.fromEntries(values)).toEqual({ A: "1", B: "spaced", C: "lit $A", D: "x\ny 1", E: "v", F: "a#b", G: "from-outer", H: "1-o", M: "l1\nl2" });
  });
  it("reports bad lines with their numbers", () => {
    const { problems } = parseEnvFile('OK=1\nB@D=2\nQ="open\n', () => undefined);
    expect(problems.map((p) => p.line)).toEqual([2, 3]);
  });
});

describe("did you mean", () => {
  it("suggests close keys only", () => {
    expect(suggest("imagee", ["image", "build"])).toBe("image");
    expect(suggest("helthcheck", ["healthcheck", "hostname"])).toBe("healthcheck");
    expect(suggest("zzzzzz", ["image", "build"])).toBeUndefined();
  });
});

/** The base images read from a Dockerfile's text: stages, global ARGs, --platform, scratch, targets. */
import { describe, expect, it } from "vitest";
import { dockerfileBases, expand } from "../../../src/images/dockerfile-bases.js";

const images = (text: string, o?: Parameters<typeof dockerfileBases>[1]) =>
  dockerfileBases(text, o).bases.map((b) => (b.platform ? `${b.image} ${b.platform}` : b.image));

describe("Dockerfile base images", () => {
  it("takes each stage's FROM once, not scratch and not the names of earlier stages", () => {
    const text = [
      "# syntax=docker/dockerfile:1",
      "FROM reg.example:5000/team/node:20 AS deps",
      "RUN npm ci",
      "from reg.example:5000/team/node:20 as Build",
      "FROM scratch AS empty",
      "FROM build AS test",
      "FROM busybox",
      "COPY --from=deps /app /app",
      "COPY --from=0 /x /x",
      "COPY --from=reg.example:5000/tools/migrate:3 /migrate /bin/",
    ].join("\n");
    expect(images(text)).toEqual(["reg.example:5000/team/node:20", "busybox", "reg.example:5000/tools/migrate:3"]);
  });

  it("expands the ARGs declared before the first FROM, the build's args over their defaults", () => {
    const text = [
      "ARG REGISTRY=reg.example",
      "ARG TAG=1 VARIANT",
      "ARG BASE=${REGISTRY}/base",
      "FROM ${BASE}:$TAG${VARIANT:+-$VARIANT}",
      "ARG LATER=x",
      "FROM other:${TAG:-9}",
    ].join("\n");
    expect(images(text)).toEqual(["reg.example/base:1", "other:1"]);
    expect(images(text, { args: { TAG: "2", VARIANT: "slim" } })).toEqual(["reg.example/base:2-slim", "other:2"]);
    // A name no global ARG declares is the builder's to resolve.
    expect(dockerfileBases("FROM ${UNDECLARED}/x:1\nFROM busybox\n")).toEqual({ bases: [{ image: "busybox" }], unresolved: ["${UNDECLARED}/x:1"] });
    expect(dockerfileBases("ARG EMPTY\nFROM ${EMPTY}\n").unresolved).toEqual(["${EMPTY}"]);
  });

  it("keeps --platform when berth can resolve it, and the engine's own platform otherwise", () => {
    const text = [
      "ARG ARCH=arm64",
      "FROM --platform=linux/${ARCH} alpine:3 AS a",
      "FROM --platform=$BUILDPLATFORM golang:1 AS b",
      "FROM --platform=linux/amd64 alpine:3",
    ].join("\n");
    expect(images(text)).toEqual(["alpine:3 linux/arm64", "golang:1", "alpine:3 linux/amd64"]);
  });

  it("with a target, leaves out the stages after it", () => {
    const text = ["FROM a:1 AS base", "FROM b:1 AS dev", "COPY --from=c:1 / /", "FROM d:1 AS prod"].join("\n");
    expect(images(text, { target: "dev" })).toEqual(["a:1", "b:1", "c:1"]);
    expect(images(text)).toEqual(["a:1", "b:1", "c:1", "d:1"]);
  });

  it("joins continued lines, skips comments and blank lines inside them, honours # escape= and heredoc bodies", () => {
    expect(images("FROM \\\n  # a comment\n\n  reg.example/x:1 \\\n  AS x\nFROM x\n")).toEqual(["reg.example/x:1"]);
    expect(images("# escape=`\nFROM `\n  reg.example/win:1\n")).toEqual(["reg.example/win:1"]);
    expect(images("FROM a:1\nCOPY <<EOF /etc/notes\nFROM not-an-image:1\nEOF\nRUN <<-END\n\tFROM nor-this:1\n\tEND\nFROM b:1\n")).toEqual(["a:1", "b:1"]);
  });

  it("expands $NAME, ${NAME}, ${NAME:-word}, ${NAME:+word} and keeps an escaped \\$", () => {
    const vars = new Map([
      ["A", "1"],
      ["E", ""],
    ]);
    expect(expand("$A-${A}-${E:-d}-${A:+w}-${E:+w}-\\$A", vars)).toBe("1-1-d-w--$A");
    expect(expand("${B}", vars)).toBeUndefined();
  });
});

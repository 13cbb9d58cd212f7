/** scripts/ansi-svg.mjs: terminal output played into frames, and drawn as an SVG. */
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script module (no declarations)
import { frameText, screens, toSvg } from "../../scripts/ansi-svg.mjs";

type Frame = { ch: string; style: { fg?: string; bold: boolean } }[][];
const play = screens as (text: string, o?: { columns?: number }) => Frame[];
const text = frameText as (f: Frame) => string;
const svgOf = toSvg as (frames: Frame[], o?: { title?: string }) => string;

describe("ansi-svg", () => {
  it("a redraw in place (cursor up, erase line) ends a frame; the next overwrites the same rows", () => {
    const out = "env 0.1s\r\n\x1b[2Kweb  starting\r\n\x1b[2A\r\x1b[2Kenv 1.0s\r\n\x1b[2Kweb  \x1b[32mhealthy\x1b[39m\r\nready\r\n";
    const frames = play(out);
    expect(frames.map(text)).toEqual(["env 0.1s\nweb  starting", "env 1.0s\nweb  healthy\nready"]);
    const healthy = frames[1]![1]!.slice(5);
    expect(healthy.map((c) => c.ch).join("")).toBe("healthy");
    expect(healthy.every((c) => c.style.fg === "#23d18b")).toBe(true);
    expect(frames[1]![1]![0]!.style.fg).toBeUndefined();
  });

  it("honours erase to end of line, column moves, bold, and skips modes and titles", () => {
    const [frame] = play("\x1b]0;title\x07\x1b[?25lab\x1b[1mcd\x1b[22m\x1b[2Gx\x1b[Kyz\x1b[?25h");
    expect(text(frame!)).toBe("axyz");
    expect(frame![0]!.map((c) => c.style.bold)).toEqual([false, false, false, false]);
    expect(text(play("abcd\x1b[3Gz")[0]!)).toBe("abzd");
  });

  it("draws every frame, escapes text, animates several frames and shows the last without animation", () => {
    const frames = play("a <b> & c\r\n\x1b[1Ad\r\n");
    expect(frames).toHaveLength(2);
    const svg = svgOf(frames, { title: "berth up" });
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain("a &lt;b&gt; &amp; c");
    expect(svg).toContain('<g id="f0" class="f">');
    expect(svg).toContain("#f1{opacity:1}");
    expect(svg).toMatch(/@keyframes k0\{0%\{opacity:1\}[\d.]+%\{opacity:0\}100%\{opacity:0\}\}/);
    expect(svgOf(play("only"))).not.toContain("@keyframes");
  });
});

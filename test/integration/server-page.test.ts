/**
 * The dashboard in headless Chromium (Debian's package, driven by playwright-core): it lists the
 * example stack's services, shows a container stopped on the engine as STOPPED within 2 s without a
 * reload, fits a 375 px phone screen, tails a service's logs and shows the health report.
 * Screenshots go to test-artifacts/.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, root, shopFile, uniqueName } from "./helpers.js";
import { serve, type Served } from "./server-helpers.js";

const project = uniqueName("berth-page");
const artifacts = `${root}test-artifacts`;

describe("berth serve: the dashboard", () => {
  let server: Served | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const card = () => page.locator(`section.env[data-project="${project}"]`);
  /**
   * A screenshot of this test's card. The page redraws an environment's card whenever the engine
   * reports a change, and other suites' environments change all the time on this shared engine, so
   * the element can be replaced mid-shot: take it again (screenshots are artifacts, not assertions).
   */
  const shootCard = async (path: string) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await card().screenshot({ path, timeout: 5000 });
      } catch (error) {
        if (attempt >= 5 || !/not attached|detached/i.test(String(error))) throw error;
      }
    }
  };

  beforeAll(async () => {
    // Installs Debian's chromium on a fresh machine; prints one line when it is there already.
    execFileSync("bash", ["scripts/ensure-chromium.sh"], { cwd: root, stdio: ["ignore", "inherit", "inherit"], env: { ...process.env, CI: "true" } });
    mkdirSync(artifacts, { recursive: true });
    server = await serve();
    const up = await berth(["up", "-f", shopFile, "-p", project]);
    expect(up.code, up.stderr).toBe(0);
    browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on("pageerror", (e) => {
      throw e;
    });
  });

  afterAll(async () => {
    await browser?.close();
    await berth(["down", project]);
    await server?.stop();
    expect(await resourcesOf(await engine(), project)).toEqual([]);
  });

  it("lists the example's services, their states, ports and dependency graph", async () => {
    // Other suites' environments share the engine; the page's filter shows this test's alone.
    await page.goto(`${server!.url}/?filter=${project}`);
    await card().waitFor({ timeout: 10_000 });
    expect(await page.locator("section.env").count()).toBe(1);
    expect(await card().locator("li.service .name").allTextContents()).toEqual(["backend", "frontend", "postgres", "redis"]);
    // berth's own probes found them ready; the engine's 1 s healthchecks may take a moment longer.
    await card().locator('li.service[data-state="HEALTHY"]').nth(3).waitFor({ timeout: 10_000 });
    expect(await card().getAttribute("data-state")).toBe("healthy");
    expect(await card().locator('li.service[data-service="frontend"] .ports').textContent()).toMatch(/^127\.0\.0\.1:\d+ → 8080$/);
    const nodes = card().locator(".graph svg g.node");
    expect(await nodes.evaluateAll((gs) => gs.map((g) => g.getAttribute("data-service")))).toEqual(["postgres", "redis", "backend", "frontend"]);
    expect(await card().locator(".graph svg path[marker-end]").count()).toBe(3); // backend→postgres, backend→redis, frontend→backend
    await page.screenshot({ path: `${artifacts}/server-page-desktop.png` });
  });

  it("shows a container stopped on the engine as STOPPED within 2 s, without a reload", async () => {
    // A mark on the page's global object: a reload would lose it. (This code runs in the browser.)
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    const e = await engine();
    const [frontend] = await e.listContainers({ "dev.berth.project": project, "dev.berth.service": "frontend" });
    await e.stopContainer(frontend!.id, 2);
    const stoppedAt = Date.now();
    await card().locator('li.service[data-service="frontend"][data-state="STOPPED"]').waitFor({ timeout: 2000 });
    // Recorded, not asserted beyond the 2 s above: how long the page took after the engine's stop returned.
    writeFileSync(`${artifacts}/server-page-latency.json`, JSON.stringify({ stopToPageMs: Date.now() - stoppedAt }) + "\n");
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await card().locator('.graph g.node[data-service="frontend"] text.st').textContent()).toBe("STOPPED");
    expect(await card().getAttribute("data-state")).toBe("stopped");
    // Other suites' environments share the engine (and the page): the card is this test's picture.
    await shootCard(`${artifacts}/server-page-desktop-stopped.png`);
  });

  it("fits a 375 px phone screen, tails a service's logs and shows the health report", async () => {
    await page.setViewportSize({ width: 375, height: 812 });
    await card().locator('li.service[data-service="postgres"] button', { hasText: "logs" }).click();
    const logs = card().locator('[data-panel="logs"] pre.logs');
    await expect.poll(() => logs.textContent(), { timeout: 10_000 }).toContain("database system is ready to accept connections");
    await card().locator("button", { hasText: "health report" }).click();
    const rows = card().locator('[data-panel="health"] table.report tbody tr');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(4);
    expect(await rows.locator("td").first().allTextContents()).toEqual([`${project}-backend-1`]);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    const scrollWidth = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(375);
    await shootCard(`${artifacts}/server-page-phone.png`);
    await page.screenshot({ path: `${artifacts}/server-page-phone-viewport.png` });
  });
});

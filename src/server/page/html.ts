/**
 * The dashboard: one self-contained document (no CDN, no bundler). Only the per-response CSP
 * nonce is interpolated; everything the engine reports is added by the script as text.
 */
import { PAGE_SCRIPT } from "./script.js";
import { PAGE_CSS } from "./style.js";

export function pageHtml(nonce: string): string {
  if (!/^[A-Za-z0-9+/=]+$/.test(nonce)) throw new Error("a CSP nonce is base64");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>berth — environments</title>
<style nonce="${nonce}">${PAGE_CSS}</style>
</head>
<body>
<header>
  <h1>berth</h1>
  <span id="engine" class="pill">engine …</span>
  <span id="conn" class="pill s-STARTING">connecting…</span>
  <input id="filter" type="search" placeholder="filter environments" aria-label="filter environments by name">
</header>
<div id="banner" role="alert" hidden></div>
<section id="pools" aria-label="warm pools" hidden></section>
<main id="envs"><p class="empty-state">Loading…</p></main>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

/** The dashboard's stylesheet: system fonts, light/dark, one column below 700 px (phones from 360 px). */
export const PAGE_CSS = `
:root { color-scheme: light dark; --bg: #f6f7f9; --card: #fff; --fg: #1d232b; --muted: #5f6b7a; --line: #d9dee5;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --off: #6e7781; --info: #0969da; }
@media (prefers-color-scheme: dark) { :root { --bg: #0d1117; --card: #161b22; --fg: #e6edf3; --muted: #8d96a0; --line: #30363d;
  --ok: #3fb950; --warn: #d29922; --bad: #f85149; --off: #8d96a0; --info: #58a6ff; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; flex-wrap: wrap; gap: 8px 16px; align-items: center; padding: 12px 16px; border-bottom: 1px solid var(--line); background: var(--card); position: sticky; top: 0; z-index: 1; }
header h1 { font-size: 18px; margin: 0; }
#filter { font: inherit; font-size: 13px; padding: 4px 8px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); min-width: 0; flex: 1 1 160px; max-width: 320px; }
.pill { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }
.muted { color: var(--muted); }
main { padding: 12px; display: grid; gap: 12px; grid-template-columns: repeat(auto-fill, minmax(min(100%, 560px), 1fr)); }
#banner { margin: 12px 12px 0; padding: 10px 12px; border-radius: 6px; border: 1px solid var(--bad); color: var(--bad); background: var(--card); }
#banner[hidden] { display: none; }
#pools { margin: 12px 12px 0; padding: 10px 12px; border-radius: 8px; border: 1px solid var(--line); background: var(--card); overflow-x: auto; }
#pools[hidden] { display: none; }
#pools h2 { font-size: 15px; margin: 0 0 6px; }
table.pools { border-collapse: collapse; font-size: 13px; }
table.pools th, table.pools td { text-align: left; padding: 2px 10px 2px 0; white-space: nowrap; }
table.pools th { color: var(--muted); font-weight: 600; }
body.stale main { opacity: .6; }
.env { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px; min-width: 0; }
.env h2 { font-size: 15px; margin: 0 0 4px; word-break: break-all; }
.env .meta { font-size: 12px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 12px; }
.services { list-style: none; margin: 10px 0; padding: 0; border-top: 1px solid var(--line); }
.service { display: grid; grid-template-columns: minmax(90px, 1.2fr) auto minmax(70px, 1fr) minmax(0, 1.6fr) auto; gap: 4px 10px; align-items: center; padding: 6px 0; border-bottom: 1px solid var(--line); }
.service .name { font-weight: 600; word-break: break-all; }
.service .ports { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12px; word-break: break-all; }
.service .since { font-size: 12px; color: var(--muted); }
button { font: inherit; font-size: 12px; padding: 3px 10px; border-radius: 6px; border: 1px solid var(--line); background: var(--bg); color: var(--fg); cursor: pointer; min-height: 28px; }
button[aria-pressed="true"] { border-color: var(--info); color: var(--info); }
.s-HEALTHY, .s-healthy, .s-COMPLETED { color: var(--ok); }
.s-STARTING, .s-starting, .s-PAUSED, .s-paused { color: var(--warn); }
.s-UNHEALTHY, .s-unhealthy, .s-FAILED { color: var(--bad); }
.s-STOPPED, .s-stopped, .s-empty { color: var(--off); }
.graph { margin: 8px 0; overflow-x: auto; }
.graph svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
.graph rect { fill: var(--card); stroke-width: 2; }
.graph text { fill: var(--fg); font-size: 13px; font-family: inherit; }
.graph text.st { font-size: 10px; font-weight: 700; }
.graph path { fill: none; stroke: var(--muted); stroke-width: 1.5; }
.graph marker path { fill: var(--muted); stroke: none; }
.panel-row { padding: 0 0 8px; border-bottom: 1px solid var(--line); }
.panel { margin-top: 8px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
.panel h3 { font-size: 13px; margin: 0 0 6px; display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
pre.logs { margin: 0; max-height: 320px; overflow: auto; font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; white-space: pre-wrap; word-break: break-all; }
.scroll { overflow-x: auto; }
table.report { width: 100%; border-collapse: collapse; font-size: 12px; }
table.report th, table.report td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
table.report td.out { font-family: ui-monospace, monospace; word-break: break-all; }
.empty-state { padding: 24px; text-align: center; color: var(--muted); grid-column: 1 / -1; }
@media (max-width: 700px) {
  header { padding: 10px 12px; position: static; }
  main { padding: 8px; gap: 8px; }
  .service { grid-template-columns: 1fr auto; }
  .service .ports, .service .since { grid-column: 1 / -1; }
  .service .actions { grid-column: 1 / -1; }
  table.report .wide { display: none; }
}
`;

/**
 * Terminal output (the bytes a program wrote to a pseudo-terminal) → an SVG picture, for the README.
 *
 * `screens(text)` plays the output on a small terminal model: printable characters, \r, \n, \b, \t,
 * cursor movement (CSI A/B/C/D/G/H), erasing (CSI K/J) and colours (SGR: bold, dim, italic,
 * underline, the 16 colours, 256 colours and RGB). Everything else (cursor visibility, OSC titles)
 * is skipped. A redraw in place (cursor up) ends a frame, so a live progress view gives one frame
 * per redraw, plus the final screen.
 *
 * `toSvg(frames)` draws frames as an SVG terminal window; with several, a CSS animation shows them
 * in turn and then holds the last; a viewer without animations shows the last.
 */

const PALETTE = [
  "#1e1e1e",
  "#f14c4c",
  "#23d18b",
  "#e5c07b",
  "#3b8eea",
  "#d670d6",
  "#29b8db",
  "#e5e5e5",
  "#666666",
  "#f14c4c",
  "#23d18b",
  "#f5f543",
  "#3b8eea",
  "#d670d6",
  "#29b8db",
  "#ffffff",
];
const FG = "#d4d4d4";
const BG = "#1e1e1e";

/** xterm's 256-colour table: 16 named, a 6×6×6 cube, 24 greys. */
function color256(n) {
  if (n < 16) return PALETTE[n];
  if (n < 232) {
    const v = [Math.floor((n - 16) / 36), Math.floor((n - 16) / 6) % 6, (n - 16) % 6].map((c) => (c ? c * 40 + 55 : 0));
    return `#${v.map((c) => c.toString(16).padStart(2, "0")).join("")}`;
  }
  const g = (8 + (n - 232) * 10).toString(16).padStart(2, "0");
  return `#${g}${g}${g}`;
}

const PLAIN = Object.freeze({ fg: undefined, bg: undefined, bold: false, dim: false, italic: false, underline: false });

function applySgr(style, params) {
  const s = { ...style };
  const p = params.length ? params : [0];
  for (let i = 0; i < p.length; i++) {
    const n = p[i];
    if (n === 0) Object.assign(s, PLAIN);
    else if (n === 1) s.bold = true;
    else if (n === 2) s.dim = true;
    else if (n === 22) s.bold = s.dim = false;
    else if (n === 3) s.italic = true;
    else if (n === 23) s.italic = false;
    else if (n === 4) s.underline = true;
    else if (n === 24) s.underline = false;
    else if (n >= 30 && n <= 37) s.fg = PALETTE[n - 30];
    else if (n >= 90 && n <= 97) s.fg = PALETTE[n - 90 + 8];
    else if (n === 39) s.fg = undefined;
    else if (n >= 40 && n <= 47) s.bg = PALETTE[n - 40];
    else if (n >= 100 && n <= 107) s.bg = PALETTE[n - 100 + 8];
    else if (n === 49) s.bg = undefined;
    else if ((n === 38 || n === 48) && p[i + 1] === 5) {
      s[n === 38 ? "fg" : "bg"] = color256(p[i + 2] ?? 0);
      i += 2;
    } else if ((n === 38 || n === 48) && p[i + 1] === 2) {
      s[n === 38 ? "fg" : "bg"] = `#${[p[i + 2], p[i + 3], p[i + 4]].map((c) => (c ?? 0).toString(16).padStart(2, "0")).join("")}`;
      i += 4;
    }
  }
  return s;
}

/**
 * Plays `text` on a terminal `columns` wide (unbounded height: the pictures are short).
 * Returns the frames: each a list of rows, each row a list of cells { ch, style }.
 */
export function screens(text, { columns = 120 } = {}) {
  /** @type {{ ch: string, style: object }[][]} */
  let rows = [[]];
  let row = 0;
  let col = 0;
  let style = PLAIN;
  const frames = [];
  const snapshot = () => rows.map((r) => r.map((c) => ({ ...c })));
  const line = (r) => (rows[r] ??= []);
  const blank = () => ({ ch: " ", style: PLAIN });
  const put = (ch) => {
    if (col >= columns) {
      col = 0;
      row++;
    }
    const cells = line(row);
    while (cells.length < col) cells.push(blank());
    cells[col] = { ch, style };
    col++;
  };
  const chars = [...text];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i];
    if (ch === "\x1b") {
      const next = chars[i + 1];
      if (next === "[") {
        let j = i + 2;
        let body = "";
        while (j < chars.length && !/[@-~]/.test(chars[j])) body += chars[j++];
        const final = chars[j];
        i = j;
        const priv = body.startsWith("?");
        const params = (priv ? body.slice(1) : body)
          .split(";")
          .filter((x) => x !== "")
          .map(Number);
        const n = params[0] ?? 1;
        if (priv) continue; // cursor visibility and other modes
        if (final === "m") style = applySgr(style, params);
        else if (final === "A") {
          frames.push(snapshot());
          row = Math.max(0, row - n);
        } else if (final === "B") row += n;
        else if (final === "C") col += n;
        else if (final === "D") col = Math.max(0, col - n);
        else if (final === "G") col = Math.max(0, n - 1);
        else if (final === "H" || final === "f") {
          row = Math.max(0, (params[0] ?? 1) - 1);
          col = Math.max(0, (params[1] ?? 1) - 1);
        } else if (final === "K") {
          const cells = line(row);
          const mode = params[0] ?? 0;
          if (mode === 2) rows[row] = [];
          else if (mode === 0) cells.length = Math.min(cells.length, col);
          else for (let k = 0; k <= col && k < cells.length; k++) cells[k] = blank();
        } else if (final === "J") {
          const mode = params[0] ?? 0;
          if (mode === 0) {
            line(row).length = Math.min(line(row).length, col);
            rows.length = row + 1;
          } else if (mode === 2 || mode === 3) rows = [[]];
        }
      } else if (next === "]") {
        // OSC: up to BEL or ESC \
        let j = i + 2;
        while (j < chars.length && chars[j] !== "\x07" && !(chars[j] === "\x1b" && chars[j + 1] === "\\")) j++;
        i = chars[j] === "\x07" ? j : j + 1;
      } else i++; // a two-character escape (ESC 7, ESC =, …)
    } else if (ch === "\r") col = 0;
    else if (ch === "\n") row++;
    else if (ch === "\b") col = Math.max(0, col - 1);
    else if (ch === "\t") col = Math.min(columns - 1, (Math.floor(col / 8) + 1) * 8);
    else if (ch >= " ") put(ch);
  }
  frames.push(snapshot());
  return frames.map(trimFrame);
}

/** Trailing blank cells and trailing empty rows removed. */
function trimFrame(rows) {
  const out = rows.map((r) => {
    const cells = r.map((c) => c ?? { ch: " ", style: PLAIN });
    while (cells.length && cells[cells.length - 1].ch === " " && !cells[cells.length - 1].style.bg) cells.pop();
    return cells;
  });
  while (out.length && out[out.length - 1].length === 0) out.pop();
  return out;
}

/** A frame as plain text (tests, and choosing which frames to keep). */
export function frameText(frame) {
  return frame.map((r) => r.map((c) => c.ch).join("")).join("\n");
}

const escapeXml = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

function sameStyle(a, b) {
  return a.fg === b.fg && a.bg === b.bg && a.bold === b.bold && a.dim === b.dim && a.italic === b.italic && a.underline === b.underline;
}

/** One row as runs of equally styled characters. */
function runs(cells) {
  const out = [];
  cells.forEach((c, col) => {
    const last = out[out.length - 1];
    if (last && sameStyle(last.style, c.style)) last.text += c.ch;
    else out.push({ col, text: c.ch, style: c.style });
  });
  return out;
}

/**
 * Frames → an SVG document. Options: `title` (in the window bar and <title>), `fontSize` (px),
 * `frameSeconds` (each frame but the last), `holdSeconds` (the last, before the loop restarts).
 */
export function toSvg(frames, { title = "", fontSize = 14, frameSeconds = 0.8, holdSeconds = 5 } = {}) {
  if (!frames.length) throw new Error("toSvg: no frames");
  const cw = fontSize * 0.6;
  const lh = fontSize * 1.4;
  const pad = 16;
  const bar = 28;
  const columns = Math.max(20, ...frames.flatMap((f) => f.map((r) => r.length)));
  const lines = Math.max(1, ...frames.map((f) => f.length));
  const width = Math.ceil(columns * cw + 2 * pad);
  const height = Math.ceil(bar + lines * lh + 2 * pad - (lh - fontSize));
  const n = frames.length;
  const total = (n - 1) * frameSeconds + holdSeconds;
  const pct = (s) => `${((s / total) * 100).toFixed(3)}%`;
  const css = [
    `text{font-family:"DejaVu Sans Mono",Menlo,Consolas,"Liberation Mono",monospace;font-size:${fontSize}px;fill:${FG};white-space:pre}`,
    ".b{font-weight:bold}.d{opacity:.6}.i{font-style:italic}.u{text-decoration:underline}",
  ];
  if (n > 1) {
    css.push(`.f{opacity:0;animation:${total.toFixed(2)}s steps(1,end) infinite}`, `#f${n - 1}{opacity:1}`);
    frames.forEach((_, i) => {
      const from = i * frameSeconds;
      const to = i === n - 1 ? total : from + frameSeconds;
      const at = (t, o) => `${t === 0 ? "0%" : t >= total ? "100%" : pct(t)}{opacity:${o}}`;
      const steps = [from > 0 ? at(0, 0) : "", at(from, 1), to < total ? at(to, 0) : "", to < total ? at(total, 0) : ""].filter(Boolean);
      css.push(`#f${i}{animation-name:k${i}}@keyframes k${i}{${steps.join("")}}`);
    });
    css.push("@media (prefers-reduced-motion:reduce){.f{animation:none}}");
  }
  const body = frames.map((frame, i) => {
    const texts = frame.map((cells, r) => {
      const y = (pad + bar + fontSize + r * lh).toFixed(1);
      const rects = [];
      const spans = runs(cells)
        .filter((run) => run.text.trim() || run.style.bg)
        .map((run) => {
          const x = (pad + run.col * cw).toFixed(1);
          if (run.style.bg)
            rects.push(
              `<rect x="${x}" y="${(Number(y) - fontSize).toFixed(1)}" width="${(run.text.length * cw).toFixed(1)}" height="${lh.toFixed(1)}" fill="${run.style.bg}"/>`,
            );
          const cls = [run.style.bold && "b", run.style.dim && "d", run.style.italic && "i", run.style.underline && "u"].filter(Boolean).join(" ");
          return `<tspan x="${x}"${cls ? ` class="${cls}"` : ""}${run.style.fg ? ` fill="${run.style.fg}"` : ""}>${escapeXml(run.text)}</tspan>`;
        });
      return spans.length ? `${rects.join("")}<text y="${y}">${spans.join("")}</text>` : "";
    });
    return `<g id="f${i}" class="f">${texts.join("")}</g>`;
  });
  const dots = ["#ff5f57", "#febc2e", "#28c840"].map((c, i) => `<circle cx="${pad + 6 + i * 18}" cy="${bar / 2 + 4}" r="6" fill="${c}"/>`).join("");
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeXml(title)}">`,
    `<title>${escapeXml(title)}</title>`,
    `<style>${css.join("")}</style>`,
    `<rect width="${width}" height="${height}" rx="8" fill="${BG}"/>`,
    dots,
    title ? `<text x="${width / 2}" y="${bar / 2 + 8}" text-anchor="middle" fill="#999999">${escapeXml(title)}</text>` : "",
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

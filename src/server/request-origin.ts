/**
 * Which requests may reach the server's data. A web page on another site can make the browser send
 * GETs to 127.0.0.1 (an <img>, a <script>, a form) and, through DNS rebinding, even read answers; the
 * Host check (in http-server) covers rebinding, this covers requests a browser marks as coming from
 * another site. Browsers say so themselves: `Sec-Fetch-Site` (all current ones) and `Origin` (on
 * cross-origin fetches and EventSource). Clients that are not browsers (curl, Prometheus, Kubernetes
 * probes) send neither and are unaffected; the dashboard's own requests are same-origin. Pure.
 */

export interface RequestHeaders {
  host?: string;
  origin?: string;
  "sec-fetch-site"?: string;
  "sec-fetch-mode"?: string;
}

/** Why the request is refused (403), or null when it may go on. */
export function foreignOriginReason(path: string, h: RequestHeaders): string | null {
  const site = h["sec-fetch-site"]?.toLowerCase();
  // Following a link to the dashboard from elsewhere is fine: the page shows nothing by itself and
  // fetches its data same-origin.
  const navigation = path === "/" && h["sec-fetch-mode"]?.toLowerCase() === "navigate";
  if ((site === "cross-site" || site === "same-site") && !navigation) {
    return `a request from another site (Sec-Fetch-Site: ${site}) may not read ${path}; open the dashboard at this server's own address`;
  }
  const origin = h.origin;
  if (origin !== undefined && !navigation && originHost(origin) !== (h.host ?? "").toLowerCase()) {
    return `Origin ${origin} is not this server's own address`;
  }
  return null;
}

/** "http://127.0.0.1:9477" → "127.0.0.1:9477"; "null" and garbage → "" (never equal to a Host). */
function originHost(origin: string): string {
  try {
    const u = new URL(origin);
    return u.protocol === "http:" || u.protocol === "https:" ? u.host.toLowerCase() : "";
  } catch {
    return "";
  }
}

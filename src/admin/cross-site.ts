// A page of another site must not change anything through the admin API. With auth on, the console's CSRF header
// already stops it; with auth off there is no session to carry one, and a "simple" cross-site request (a form
// POST, a text/plain fetch) reaches the server without a preflight. Browsers say where such a request comes from
// (Fetch Metadata's Sec-Fetch-Site, and Origin on every non-GET request); the CLI and other programs send neither.
// https://developer.mozilla.org/en-US/docs/Web/HTTP/Headers/Sec-Fetch-Site

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Why a state-changing request comes from another site, or undefined when it does not (or changes nothing). */
export function crossSiteWrite(method: string, headers: Headers): string | undefined {
  if (SAFE_METHODS.has(method.toUpperCase())) return undefined;
  const site = headers.get("sec-fetch-site");
  if (site === "cross-site" || site === "same-site") return `the browser says this request comes from a ${site} page`;
  const origin = headers.get("origin");
  if (origin === null) return undefined;
  const host = headers.get("host");
  // A sandboxed frame or a redirect across sites sends "Origin: null": never this server's own page.
  if (origin === "null" || host === null || originHost(origin) !== host.toLowerCase()) return `the request comes from ${origin}, another site`;
  return undefined;
}

function originHost(origin: string): string | undefined {
  try {
    return new URL(origin).host.toLowerCase();
  } catch {
    return undefined;
  }
}

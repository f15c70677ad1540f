// The server is one Hono app: /healthz and /metrics, the admin API under /_strata/ (a bucket name can't start
// with `_`), and the S3 API on every other path. S3 is one catch-all route into the S3 endpoint, which does its
// own addressing, classification and dispatch (s3/app.ts, s3/operations.ts): S3 has one route (every path), so a
// route per operation would only add a second dispatch to each request.
import { type Context, Hono, type Next } from "hono";
import { badHostResponse, type S3Endpoint } from "./s3/app.ts";
import { hostnameOf } from "./s3/host.ts";
import { requestTarget, splitTarget } from "./runtime/request-target.ts";
import { CONSOLE_PATH, isBrowserVisit } from "./admin/console/routes.ts";
import { errorResponse } from "./admin/errors.ts";

export interface ServerAppParts {
  /** the S3 endpoint: every request no other route takes */
  s3: S3Endpoint;
  /** the admin API, its routes under /_strata/ */
  admin?: Hono;
  /** the web console's page and sign-in, under /_strata/console/ (served with the admin API) */
  console?: Hono;
  /** Prometheus text of the server's metrics */
  metrics?: () => string;
  /** Throws (AdminError) when the request may not read the metrics; absent: anyone may. */
  mayReadMetrics?: (raw: Request) => Promise<void>;
  /** host names under which `bucket.<domain>` addresses a bucket (virtual-host style) */
  domains: string[];
  /**
   * Answer only Host names of this machine or a --domain: true while auth is off and the server listens on loopback,
   * so that a web page cannot reach it through a DNS name of its own (DNS rebinding) and write with any key pair.
   */
  localHostsOnly?: () => boolean;
}

export function createServerApp(parts: ServerAppParts): Hono {
  // Routes match the path as sent: `/x/../_strata/...` is an S3 key in bucket x, not the admin API.
  const app = new Hono({ getPath: (req) => splitTarget(requestTarget(req)).path });
  // A failure nothing caught goes to the serve layer's answer.
  app.onError((err) => {
    throw err;
  });
  const health = (c: Context) => c.text("ok\n");
  const metrics = async (c: Context) => {
    try {
      await parts.mayReadMetrics?.(c.req.raw);
    } catch (err) {
      return errorResponse(err, c);
    }
    return c.body(parts.metrics?.() ?? "", 200, { "content-type": "text/plain; version=0.0.4" });
  };
  // Bare /healthz and /metrics are the server's only as plain path-style GETs without a query. No new repo may take
  // either name (repo/ref-names.ts, SERVER_PATHS; test/s3/reserved-names.test.ts checks every top-level route is
  // there), so no bucket is ever half shadowed by them; one an older Strata made stays reachable with a query.
  const plainGet = (handler: (c: Context) => Response | Promise<Response>) => (c: Context, next: Next) => (isPlainServerGet(c.req.raw, parts.domains) ? handler(c) : next());
  app.get("/healthz", plainGet(health));
  app.get("/_strata/healthz", health);
  if (parts.metrics) {
    app.get("/metrics", plainGet(metrics));
    app.get("/_strata/metrics", metrics);
  }
  // The bare prefix is no admin route: there S3 clients that take `_strata` for a bucket name get S3's answer to it.
  app.all("/_strata", (c) => parts.s3(c.req.raw));
  if (parts.admin) {
    // A browser opening the server's root gets the console; S3's ListBuckets (signed, no text/html) is unchanged.
    app.get("/", (c, next) => (isBrowserVisit(c.req.raw) ? c.redirect(CONSOLE_PATH, 302) : next()));
    if (parts.console) app.route("/", parts.console);
    app.route("/", parts.admin);
  }
  app.all("*", (c) => parts.s3(c.req.raw));
  // No route sees a request without a usable Host: checked before routing rather than as a middleware on "*", so
  // that a request only the S3 route matches takes Hono's one-handler path (with a middleware on every path, Hono
  // composed a chain of closures and promises for each request).
  const localOnly = { domains: parts.domains };
  const route = app.fetch;
  app.fetch = (request, ...rest) => badHostResponse(request, parts.localHostsOnly?.() ? localOnly : undefined) ?? route(request, ...rest);
  return app;
}

function isPlainServerGet(raw: Request, domains: string[]): boolean {
  if (raw.method !== "GET") return false;
  if (splitTarget(requestTarget(raw)).query !== "") return false;
  const hostname = hostnameOf(raw.headers.get("host"));
  return !domains.some((d) => hostname.endsWith(`.${d}`));
}

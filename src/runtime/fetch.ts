// HTTP requests of the CLI, optionally trusting one more CA certificate (a self-signed server's). The only
// place that knows how each runtime takes one: Bun's fetch a `tls.ca` option, Deno an HTTP client.

declare const Deno: any;

export type Fetch = (url: URL, init: RequestInit) => Promise<Response>;

/** fetch, trusting `ca` (PEM text) besides the system's certificates when given. */
export function fetchTrusting(ca: string | undefined): Fetch {
  if (ca === undefined) return (url, init) => fetch(url, init);
  if (typeof Deno !== "undefined") {
    const client = Deno.createHttpClient({ caCerts: [ca] });
    return (url, init) => fetch(url, { ...init, client } as RequestInit);
  }
  return (url, init) => fetch(url, { ...init, tls: { ca } } as RequestInit);
}

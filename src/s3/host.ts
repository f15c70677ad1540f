// The Host header, the one place it is read for addressing (virtual-host style buckets, the server's own routes).
import { S3Error } from "./errors.ts";

// RFC 9110 §7.2 / RFC 3986 §3.2.2: an IP literal in brackets or a reg-name (IPv4 addresses are reg-names
// lexically), then an optional port of up to five digits.
const HOST = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9\-._~!$&'()*+,;=%]+)(?::(\d{1,5}))?$/;

/**
 * The host name a request was sent to, lower case and without its port. Every HTTP/1.1 request carries exactly
 * one Host (RFC 9112 §3.2: "A server MUST respond with a 400 (Bad Request) status code to any HTTP/1.1 request
 * message that lacks a Host header field and to any request message that contains ... a Host header field with
 * an invalid field value"); Strata asks it of HTTP/1.0 too, since it addresses buckets.
 */
export function hostnameOf(host: string | null): string {
  // A client sends the same Host on every request, and each request asks twice (routing, addressing).
  if (host === lastHost) return lastHostname;
  const m = host === null ? null : HOST.exec(host);
  if (!m || (m[2] !== undefined && Number(m[2]) > 65535)) {
    const argument = { ArgumentName: "Host", ArgumentValue: host ?? "" };
    throw new S3Error("InvalidArgument", host === null ? "The request has no Host header." : "The Host header is not a valid host[:port].", argument);
  }
  lastHostname = m[1].toLowerCase();
  lastHost = m.input;
  return lastHostname;
}

let lastHost: string | undefined; // never equal to a Host given (a string or null)
let lastHostname = "";

/**
 * Whether a host name can only be this machine or one the operator named: `localhost` and its subdomains (RFC
 * 6761 §6.3 keeps them on loopback), IP literals, and the --domain names with theirs. Any other name reached a
 * loopback-bound server through a DNS answer that points at 127.0.0.1: what a web page does in a DNS rebinding
 * attack, to talk to a local server as if it were its own origin.
 */
export function isLocalHostname(hostname: string, domains: readonly string[]): boolean {
  if (hostname === "localhost" || hostname.endsWith(".localhost")) return true;
  if (hostname.startsWith("[") || /^\d{1,3}(\.\d{1,3}){3}$/.test(hostname)) return true;
  return domains.some((d) => hostname === d || hostname.endsWith(`.${d}`));
}

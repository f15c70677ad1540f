// A loopback proxy that flips one byte of every request body longer than FLIP_AT bytes: a body
// corrupted in flight, after the client computed its checksums. With TLS it terminates the client's
// TLS with its own certificate and speaks TLS to Strata.
import * as net from "node:net";
import * as tls from "node:tls";

const FLIP_AT = 100;
const HEAD_END = Buffer.from("\r\n\r\n");

export interface CorruptingProxy {
  url: string;
  /** request bodies corrupted so far */
  corrupted(): number;
  stop(): Promise<void>;
}

export async function startCorruptingProxy(target: URL, serverTls?: { cert: string; key: string }): Promise<CorruptingProxy> {
  let corrupted = 0;
  const sockets = new Set<net.Socket>();
  const onClient = (client: net.Socket) => {
    const upstream = serverTls
      ? tls.connect({ host: target.hostname, port: Number(target.port), rejectUnauthorized: false })
      : net.connect({ host: target.hostname, port: Number(target.port) });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("close", () => sockets.delete(s));
      s.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    // Per request on a keep-alive connection: read the head, then Content-Length body bytes.
    let head = Buffer.alloc(0);
    let bodyLeft = 0;
    let bodyAt = 0;
    client.on("data", (data: Buffer) => {
      let at = 0;
      while (at < data.length) {
        if (bodyLeft === 0) {
          head = Buffer.concat([head, data.subarray(at)]);
          const end = head.indexOf(HEAD_END);
          if (end < 0) return; // forwarded once the head is complete
          const headText = head.subarray(0, end).toString("latin1");
          const length = /\r\ncontent-length:\s*(\d+)/i.exec(headText);
          const consumed = end + 4 - (head.length - (data.length - at));
          upstream.write(head.subarray(0, end + 4));
          at += consumed;
          head = Buffer.alloc(0);
          bodyAt = 0;
          // Transfer-Encoding: chunked (boto3 over HTTPS): the rest of the connection counts as one body.
          bodyLeft = length ? Number(length[1]) : /\r\ntransfer-encoding:/i.test(headText) ? Infinity : 0;
          if (bodyLeft === 0) continue;
        }
        const take = Math.min(bodyLeft, data.length - at);
        const piece = Buffer.from(data.subarray(at, at + take));
        if (bodyAt <= FLIP_AT && FLIP_AT < bodyAt + take) {
          piece[FLIP_AT - bodyAt] ^= 0x01;
          corrupted++;
        }
        upstream.write(piece);
        at += take;
        bodyAt += take;
        bodyLeft -= take;
      }
    });
    client.on("end", () => upstream.end());
    upstream.on("data", (d) => client.write(d));
    upstream.on("end", () => client.end());
  };
  const server = serverTls ? tls.createServer({ cert: serverTls.cert, key: serverTls.key }, onClient) : net.createServer(onClient);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${serverTls ? "https" : "http"}://127.0.0.1:${port}`,
    corrupted: () => corrupted,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

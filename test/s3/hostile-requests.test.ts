// Requests no well-behaved client sends, on the wire: a Host that is not a host, a throwing handler, pipelined
// requests. Each gets a proper answer (S3 error XML), never the runtime's error page or a stack.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { StrataServer } from "../../src/server.ts";
import { serve } from "../../src/runtime/serve.ts";
import { internalErrorResponse } from "../../src/s3/app.ts";
import { createServerApp } from "../../src/server-app.ts";
import { withServer } from "../helpers/server.ts";
import { withAuthServer } from "../auth/helpers.ts";
import { exchange, rawCall } from "../helpers/raw-socket.ts";
import * as net from "node:net";

// RFC 9112 §3.2: a request without Host (HTTP/1.1), or with an invalid one, is 400.
const BAD_HOSTS = ["Host: a/b@c", "Host: ", "Host: [::1", "Host: x:99999", "Host: a b", "Host: x:"];

for (const auth of [false, true]) {
  describe(`a bad Host header, auth ${auth ? "on" : "off"}`, () => {
    let server: StrataServer;
    beforeAll(async () => {
      server = auth ? await withAuthServer("photos") : await withServer();
    });
    afterAll(() => server.stop());

    test("answers 400 InvalidArgument XML on every route", async () => {
      for (const host of BAD_HOSTS) {
        for (const path of ["/photos", "/photos/k", "/", "/_strata/repos", "/healthz"]) {
          const res = await rawCall(server.port, `GET ${path} HTTP/1.1\r\n${host}`);
          expect(res.status, `${host} ${path}`).toBe(400);
          expect(res.headers.get("content-type")).toBe("application/xml");
          expect(res.body).toContain("<Code>InvalidArgument</Code><Message>The Host header is not a valid host[:port].</Message>");
          expect(res.body).toMatch(/<RequestId>[0-9A-F]+<\/RequestId>/);
        }
      }
    });

    test("HTTP/1.0 without Host is 400 too", async () => {
      const [res] = await exchange(server.port, "GET /photos HTTP/1.0\r\n\r\n");
      expect(res.status).toBe(400);
      expect(res.body).toContain("<Code>InvalidArgument</Code><Message>The request has no Host header.</Message>");
    });
  });
}

test("a handler that throws answers InternalError XML with a request id; the stack goes to the log only", async () => {
  const app = createServerApp({
    s3: async () => {
      throw new Error("secret detail at /home/strata/src/s3/app.ts:42");
    },
    domains: [],
  });
  const logged: unknown[][] = [];
  const error = console.error;
  console.error = (...args: unknown[]) => logged.push(args);
  const server = await serve({ port: 0, hostname: "127.0.0.1", fetch: app.fetch, onError: internalErrorResponse });
  try {
    const res = await rawCall(server.port, `GET /photos/k HTTP/1.1\r\nHost: 127.0.0.1`);
    expect(res.status).toBe(500);
    expect(res.headers.get("content-type")).toBe("application/xml");
    expect(res.body).toContain("<Code>InternalError</Code>");
    expect(res.body).not.toContain("secret");
    expect(res.body).not.toContain(".ts");
    const id = /<RequestId>([0-9A-F]+)<\/RequestId>/.exec(res.body)![1];
    expect(res.headers.get("x-amz-request-id")).toBe(id);
    const line = logged.find((args) => String(args[0]).includes(id));
    expect((line?.[1] as Error).stack).toContain("secret detail");
  } finally {
    console.error = error;
    await server.stop();
  }
});

describe("HTTP/1.1 pipelining", () => {
  let server: StrataServer;
  beforeAll(async () => {
    server = await withServer();
    await rawCall(server.port, `PUT /pipes HTTP/1.1\r\nHost: 127.0.0.1`);
  });
  afterAll(() => server.stop());

  test("requests written at once after a request with a body get their answers, in order, each seeing the one before", async () => {
    const h = `Host: 127.0.0.1:${server.port}`;
    const requests =
      `PUT /pipes/one HTTP/1.1\r\n${h}\r\nContent-Length: 5\r\n\r\nfirst` +
      `GET /pipes/one HTTP/1.1\r\n${h}\r\n\r\n` +
      `PUT /pipes/one HTTP/1.1\r\n${h}\r\nTransfer-Encoding: chunked\r\n\r\n6\r\nsecond\r\n0\r\n\r\n` +
      `HEAD /pipes/one HTTP/1.1\r\n${h}\r\n\r\n` +
      `GET /pipes/one HTTP/1.1\r\n${h}\r\nConnection: close\r\n\r\n`;
    const answers = await exchange(server.port, requests, 10_000, ["PUT", "GET", "PUT", "HEAD", "GET"]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    expect(answers[1].body).toBe("first");
    expect(answers[3].headers.get("content-length")).toBe("6");
    expect(answers[4].body).toBe("second");
  });
});

// RFC 9112 §9.6: a server that closes while its client still sends must linger (half-close, read and drop), or
// the reset the kernel sends can destroy the answer before the client read it. These clients read only after
// sending everything, as an uploading client does.
describe("answers survive the connection's close", () => {
  let server: StrataServer;
  beforeAll(async () => {
    server = await withServer();
  });
  afterAll(() => server.stop());
  const h = () => `Host: 127.0.0.1:${server.port}`;
  const big = (n: number) => "x".repeat(n);

  test("an upload refused before its body is read (no such bucket) gets its answer, not a reset", async () => {
    const answers = await exchange(server.port, `PUT /nosuch/k HTTP/1.1\r\n${h()}\r\nContent-Length: 3000000\r\n\r\n${big(3_000_000)}`, 10_000, ["PUT"], 500);
    expect(answers.map((a) => a.status)).toEqual([404]);
    expect(answers[0].body).toContain("<Code>NoSuchBucket</Code>");
    expect(answers[0].headers.get("connection")).toBe("close");
  });

  test("a request pipelined behind a refused upload does not reset the refusal away", async () => {
    const bytes = `PUT /nosuch/k HTTP/1.1\r\n${h()}\r\nContent-Length: 3000000\r\n\r\n${big(3_000_000)}` + `PUT /nosuch/j HTTP/1.1\r\n${h()}\r\nContent-Length: 1000000\r\n\r\n${big(1_000_000)}`;
    const answers = await exchange(server.port, bytes, 10_000, ["PUT", "PUT"], 500);
    expect(answers.map((a) => a.status)).toEqual([404]);
  });

  test("bytes that are no HTTP request: the answers owed before them, then BadRequest XML, then the close", async () => {
    const bytes = `GET /nosuch/k HTTP/1.1\r\n${h()}\r\n\r\n` + `GET / HTTP/0.9\r\n${h()}\r\nContent-Length: 1000000\r\n\r\n${big(1_000_000)}`;
    const answers = await exchange(server.port, bytes, 10_000, ["GET", "GET"], 500);
    expect(answers.map((a) => a.status)).toEqual([404, 400]);
    expect(answers[1].headers.get("content-type")).toBe("application/xml");
    expect(answers[1].headers.get("connection")).toBe("close");
    expect(answers[1].body).toMatch(/^<\?xml[^>]*>\n<Error><Code>BadRequest<\/Code><Message>The request is not well-formed HTTP\/1\.1\.<\/Message><RequestId>[0-9A-F]+<\/RequestId><\/Error>$/);
  });

  test("bodiless answers to requests with an unread body go out too: a redirect, a HEAD's", async () => {
    const redirect = await exchange(server.port, `GET /_strata/console HTTP/1.1\r\n${h()}\r\nContent-Length: 3\r\n\r\nabc`, 3000, ["GET"]);
    expect(redirect.map((a) => [a.status, a.headers.get("location")])).toEqual([[302, "/_strata/console/"]]);
    const head = await exchange(server.port, `HEAD /nosuch HTTP/1.1\r\n${h()}\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`, 3000, ["HEAD"]);
    expect(head.map((a) => [a.status, a.headers.get("x-amz-error-code")])).toEqual([[404, "NoSuchBucket"]]);
  });

  test("a client that hangs up with its upload unfinished, before or after the answer, is no internal error", async () => {
    await rawCall(server.port, `PUT /uploads HTTP/1.1\r\n${h()}`);
    const errors: unknown[][] = [];
    const error = console.error;
    console.error = (...args: unknown[]) => errors.push(args);
    const upload = (bucket: string, length: number) => `PUT /${bucket}/k HTTP/1.1\r\n${h()}\r\nContent-Length: ${length}\r\n\r\n${big(length / 10)}`;
    try {
      // into a bucket that exists the handler is still reading the body (whole, or streamed) when the client goes;
      // into one that does not, the answer comes first
      for (const [bucket, length] of [["uploads", 1000], ["uploads", 3_000_000], ["nosuch", 3_000_000]] as const) {
        await new Promise<void>((resolve) => {
          const socket = net.connect(server.port, "127.0.0.1");
          socket.on("data", () => socket.destroy());
          socket.on("error", () => {});
          socket.on("close", () => resolve());
          socket.write(upload(bucket, length), () => bucket === "uploads" && setTimeout(() => socket.destroy(), 50));
        });
      }
      // pipelined behind an answer that closes the connection: the second request's turn comes with no socket left
      const chunked = (key: string) => `PUT /nosuch/${key} HTTP/1.1\r\n${h()}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nabcde\r\n0\r\n\r\n`;
      await exchange(server.port, chunked("a") + chunked("b"), 3000, ["PUT", "PUT"]);
      await Bun.sleep(10_500); // past the grace a refused upload's rest of body gets
    } finally {
      console.error = error;
    }
    expect(errors.map((args) => String(args[0]))).toEqual([]);
  }, 20_000);

  test("a CONNECT pipelined behind a request: that request's answer, then BadRequest XML, then the close", async () => {
    const bytes = `GET /nosuch/k HTTP/1.1\r\n${h()}\r\n\r\n` + `CONNECT 127.0.0.1:1 HTTP/1.1\r\n${h()}\r\n\r\n`;
    const answers = await exchange(server.port, bytes, 5000, ["GET", "CONNECT"]);
    expect(answers.map((a) => a.status)).toEqual([404, 400]);
    expect(answers[1].body).toContain("<Code>BadRequest</Code>");
  });

  test("a header section over the parser's limit is RequestHeaderSectionTooLarge XML (S3's code for it)", async () => {
    const [answer] = await exchange(server.port, `GET /nosuch/k HTTP/1.1\r\n${h()}\r\nx-big: ${big(70_000)}\r\n\r\n`, 5000, ["GET"]);
    expect(answer.status).toBe(400);
    expect(answer.body).toContain("<Code>RequestHeaderSectionTooLarge</Code>");
  });
});

test("a stopping server does not wait for a closing connection whose client never reads its answer", async () => {
  const server = await withServer();
  const h = `Host: 127.0.0.1:${server.port}`;
  await rawCall(server.port, `PUT /slow HTTP/1.1\r\n${h}`);
  await rawCall(server.port, `PUT /slow/k HTTP/1.1\r\n${h}`, "x".repeat(1_000_000));
  const socket = net.connect(server.port, "127.0.0.1");
  socket.pause(); // never reads: the 1 MB answer stays half sent
  socket.on("error", () => {});
  socket.write(`GET /slow/k HTTP/1.1\r\n${h}\r\nContent-Length: 3\r\n\r\nabc`); // a body nobody reads: the answer closes
  await Bun.sleep(300);
  const started = performance.now();
  await server.stop();
  socket.destroy();
  expect(performance.now() - started).toBeLessThan(1500); // not the linger (2 s), nor the idle timeout (120 s)
}, 30_000);

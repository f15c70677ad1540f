// Runs s3rver (npm) the way a user would for a local S3: under Node, one process, its own
// directory. Launched by the benchmark as `node s3rver-server.mjs --port P --dir D`.
// silent: true turns off its per-request log line (the other targets log nothing per request
// either); every other option is s3rver's default.
import S3rver from "s3rver";
import { parseArgs } from "node:util";

const { values } = parseArgs({ options: { port: { type: "string" }, dir: { type: "string" } } });
if (!values.port || !values.dir) throw new Error("usage: s3rver-server.mjs --port P --dir D");

const server = new S3rver({
  address: "127.0.0.1",
  port: Number(values.port),
  directory: values.dir,
  silent: true,
});
const address = await server.run();
console.log(`s3rver listening on ${address.address}:${address.port}`);

// Child process of the crash test: writes continuously through RepoService into the data dir given as
// argument, printing a line before each write (its intent) and after it is acknowledged, until killed.
import { createHash } from "node:crypto";
import { RepoService } from "../../src/repo/service.ts";
import { Store } from "../../src/store/store.ts";

const [dir, round] = [process.argv[2], Number(process.argv[3])];
const svc = new RepoService(Store.open(dir, { packLimit: 256 * 1024 }));
if (!svc.versions.getBranch("r", "main", "durable")) await svc.versions.createBranch("r", "main");
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

let seq = 0;
const writer = async (w: number) => {
  for (;;) {
    const n = seq++;
    const key = `k${n % 16}`;
    // mostly small bodies, sometimes several chunks' worth
    const size = n % 23 === 0 ? 300_000 + (n % 7) * 100_000 : 100 + ((n * 7919) % 5000);
    const body = new Uint8Array(size);
    for (let i = 0; i < size; i += 64) body[i] = (n * 31 + i + round * 101) & 0xff;
    body[0] = w;
    const sha = createHash("sha256").update(body).digest("hex");
    say({ intent: key, sha });
    const { commit, etag } = await svc.putObject("r", "main", key, body);
    say({ ack: key, sha, etag, commit });
  }
};
say({ ready: true });
await Promise.all([0, 1, 2, 3].map(writer));

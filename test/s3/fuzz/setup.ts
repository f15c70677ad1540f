// The fuzzer's users, prepared offline in the data dir before the server starts (as `strata auth` would): an
// admin that stores the checked objects, and the fuzzer, a writer in the repos it may change and a reader in the
// sealed one, so that its requests reach every operation but only roles stand between them and the sealed objects.
import { AccessControl } from "../../../src/repo/access.ts";
import { VersionedStore } from "../../../src/repo/versioned-store.ts";
import { Store } from "../../../src/store/store.ts";

export async function prepareAuth(dataDir: string, repos: { sealed: string; writable: string }): Promise<{ admin: string; fuzzer: string }> {
  const store = Store.open(dataDir);
  try {
    const access = new AccessControl(store);
    const admin = (await access.enable())!.token;
    const versioned = new VersionedStore(store);
    await versioned.createRepo(repos.sealed);
    await versioned.createRepo(repos.writable);
    await access.createUser("fuzzer");
    await access.grant("fuzzer", "reader", repos.sealed);
    await access.grant("fuzzer", "writer", repos.writable);
    return { admin, fuzzer: (await access.createToken("fuzzer")).token };
  } finally {
    await store.close();
  }
}

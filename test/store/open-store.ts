// Child process for the lock test: opens the data dir given as argument and reports.
import { Store } from "../../src/store/store.ts";

try {
  const store = Store.open(process.argv[2]);
  console.log("opened");
  await store.close();
} catch (err) {
  console.error((err as Error).message);
  process.exit(1);
}

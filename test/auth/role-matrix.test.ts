// Every role × every operation family, through boto3 against a server with auth on.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type AuthServer, fixture, run, withAuthServer } from "./helpers.ts";

let server: AuthServer;
beforeAll(async () => {
  server = await withAuthServer("proj");
});
afterAll(() => server.stop());

const A = "allow";
const D = "deny";
// families: list_buckets read list write delete multipart copy copy_from_unreadable_repo create_branch delete_branch create_repo
// purge_version tag_object tag_bucket (read includes GetObjectTagging)
const EXPECTED: Record<string, string[]> = {
  anonymous: [D, D, D, D, D, D, D, D, D, D, D, D, D, D],
  none: ["hidden", D, D, D, D, D, D, D, D, D, D, D, D, D],
  reader: ["sees", A, A, D, D, D, D, D, D, D, D, D, D, D],
  writer: ["sees", A, A, A, A, A, A, D, D, D, D, D, A, D],
  owner: ["sees", A, A, A, A, A, A, D, A, A, D, A, A, A],
  admin: ["sees", A, A, A, A, A, A, A, A, A, A, A, A, A],
};

test("role × operation family, as boto3 sees it", async () => {
  const r = await run("python3", [fixture("role_matrix.py"), server.url, JSON.stringify(server.tokens)]);
  expect(r.stderr).toBe("");
  const results = JSON.parse(r.stdout);
  for (const [role, expected] of Object.entries(EXPECTED)) {
    const got = Object.values(results[role]);
    expect({ role, got }).toEqual({ role, got: expected });
  }
  expect(results.unknown_token).toBe("InvalidAccessKeyId");
  // Each purge is a commit by the token's user (issue 13: the history says who purged which version).
  const purgers = [...server.repo.versions.log("proj", "master")].filter((c) => c.purged?.length).map((c) => `${c.author}:${c.purged![0][0]}`);
  expect(purgers.sort()).toEqual(["admin:purge-admin.txt", "owner:purge-owner.txt"]);
}, 60_000);

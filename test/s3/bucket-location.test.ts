// CreateBucket's LocationConstraint as AWS answers it (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html):
// the server's region (or none) is accepted and GetBucketLocation reports it (us-east-1 as an empty constraint);
// another region is 400 IllegalLocationConstraintException; a body that is no CreateBucketConfiguration is
// 400 MalformedXML. Nothing is created by a refused request.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { checkRegion, requestedRegion } from "../../src/s3/bucket-location.ts";
import { S3Error } from "../../src/s3/errors.ts";
import { withServer } from "../helpers/server.ts";
import type { StrataServer } from "../../src/server.ts";
import { expectError, http } from "./http.ts";

const config = (inner: string) => `<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${inner}</CreateBucketConfiguration>`;
const asking = (region: string) => config(`<LocationConstraint>${region}</LocationConstraint>`);

describe("requestedRegion", () => {
  const cases: Array<[string, string, string | undefined | "MalformedXML"]> = [
    ["no body", "", undefined],
    ["whitespace", " \n", undefined],
    ["a region", asking("eu-west-1"), "eu-west-1"],
    ["with an XML declaration and spaces", `<?xml version="1.0" encoding="UTF-8"?>\n${asking(" us-west-2 ")}`, "us-west-2"],
    ["an empty configuration", "<CreateBucketConfiguration/>", undefined],
    ["an empty constraint", config("<LocationConstraint/>"), undefined],
    ["no constraint (directory bucket elements only)", config("<Bucket><Type>Directory</Type></Bucket>"), undefined],
    ["not XML", "eu-west-1", "MalformedXML"],
    ["unclosed", "<CreateBucketConfiguration><LocationConstraint>", "MalformedXML"],
    ["another root", "<Configuration><LocationConstraint>eu-west-1</LocationConstraint></Configuration>", "MalformedXML"],
    ["two constraints", config("<LocationConstraint>a</LocationConstraint><LocationConstraint>b</LocationConstraint>"), "MalformedXML"],
    ["a constraint with elements", config("<LocationConstraint><x/></LocationConstraint>"), "MalformedXML"],
    ["a DOCTYPE", `<!DOCTYPE x [<!ENTITY e "eu-west-1">]>${asking("&e;")}`, "MalformedXML"],
  ];
  for (const [what, body, want] of cases) {
    test(what, () => {
      if (want === "MalformedXML") expect(() => requestedRegion(body)).toThrow(expect.objectContaining({ code: "MalformedXML" }));
      else expect(requestedRegion(body)).toBe(want);
    });
  }

  test("checkRegion: the server's region, its legacy name or none pass; another is IllegalLocationConstraintException", () => {
    for (const [asked, server] of [[undefined, "eu-west-1"], ["eu-west-1", "eu-west-1"], ["EU", "eu-west-1"], ["us-east-1", "us-east-1"]]) {
      expect(() => checkRegion(asked, server!)).not.toThrow();
    }
    const err = (() => {
      try {
        checkRegion("eu-west-1", "us-east-1");
      } catch (e) {
        return e as S3Error;
      }
    })();
    expect([err?.code, err?.status, err?.message]).toEqual([
      "IllegalLocationConstraintException",
      400,
      "The eu-west-1 location constraint is incompatible for the region specific endpoint this request was sent to.",
    ]);
  });
});

for (const region of ["us-east-1", "eu-central-1"]) {
  describe(`CreateBucket on a server in ${region}`, () => {
    let server: StrataServer;
    beforeAll(async () => (server = await withServer({ region })));
    afterAll(() => server.stop());
    const reported = region === "us-east-1" ? "" : region;

    test("its own region, or none, is accepted and reported by GetBucketLocation", async () => {
      const s3 = http(server);
      for (const [bucket, body] of [["asked", asking(region)], ["none", undefined], ["empty", config("")]] as const) {
        expect((await s3.call(`/${bucket}`, { method: "PUT", body })).status).toBe(200);
        const { text } = await s3.xml(`/${bucket}?location`);
        expect(text).toContain(`<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${reported}</LocationConstraint>`);
      }
    });

    test("another region is 400 IllegalLocationConstraintException; a malformed or oversized body is refused; nothing is created", async () => {
      const s3 = http(server);
      const other = region === "us-east-1" ? "ap-south-1" : "us-east-1";
      const text = await expectError(await s3.call("/elsewhere", { method: "PUT", body: asking(other) }), 400, "IllegalLocationConstraintException");
      expect(text).toContain(`<Message>The ${other} location constraint is incompatible for the region specific endpoint this request was sent to.</Message>`);
      await expectError(await s3.call("/malformed", { method: "PUT", body: "<CreateBucketConfiguration><LocationConstraint>" }), 400, "MalformedXML");
      await expectError(await s3.call("/huge", { method: "PUT", body: config(`<LocationConstraint>${region}</LocationConstraint>${" ".repeat(1024 * 1024)}`) }), 400, "MaxMessageLengthExceeded");
      for (const bucket of ["elsewhere", "malformed", "huge"]) expect((await s3.call(`/${bucket}`, { method: "HEAD" })).status).toBe(404);
    });
  });
}

// The request log line is written field by field; it must stay exactly the JSON of its record.
import { expect, test } from "bun:test";
import { requestLogLine } from "../../src/admin/request-log.ts";

test("a log line is JSON.stringify of the record, absent bucket and key left out, client strings escaped", () => {
  const at = Date.UTC(2025, 0, 2, 3, 4, 5, 678);
  const records = [
    { id: "0123456789ABCDEF", operation: "GetObject", method: "GET", bucket: "photos", key: "a/b.jpg", status: 200, bytesIn: 0, bytesOut: 4096, ms: 0.123456 },
    { id: "0123456789ABCDEF", operation: "Unknown", method: "PATCH", status: 405, bytesIn: 0, bytesOut: 0, ms: 12 },
    { id: "0123456789ABCDEF", operation: "PutObject", method: "PUT", bucket: "b", key: 'we"ird\\\n\u0001ключ😀\ud800', status: 200, bytesIn: 5e9, bytesOut: 0, ms: 1234.5678 },
  ];
  for (const r of records) {
    const expected = JSON.stringify({
      time: new Date(at).toISOString(), id: r.id, op: r.operation, method: r.method, bucket: r.bucket, key: r.key,
      status: r.status, in: r.bytesIn, out: r.bytesOut, ms: Math.round(r.ms * 100) / 100,
    });
    expect(requestLogLine(r, at)).toBe(expected);
    expect(requestLogLine(r, at + 1)).toContain('"time":"2025-01-02T03:04:05.679Z"');
  }
});

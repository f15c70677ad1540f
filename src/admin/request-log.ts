// One structured JSON line per request. Only what identifies the request and its outcome: never headers,
// query strings (presigned URLs carry signatures there) or bodies, so no secret reaches a log.

export interface RequestRecord {
  id: string;
  operation: string;
  method: string;
  bucket?: string;
  key?: string;
  status: number;
  bytesIn: number;
  bytesOut: number;
  ms: number;
}

export function requestLogLine(r: RequestRecord, now = new Date()): string {
  return JSON.stringify({
    time: now.toISOString(),
    id: r.id,
    op: r.operation,
    method: r.method,
    bucket: r.bucket,
    key: r.key,
    status: r.status,
    in: r.bytesIn,
    out: r.bytesOut,
    ms: Math.round(r.ms * 100) / 100,
  });
}

// The Content-Type `strata put` sends, from the file's extension, as the aws CLI does (Python's mimetypes): without
// one every object is served as binary/octet-stream, so a page put on a public branch downloads instead of showing.
// Only types of the extension alone; anything else is left for the server's default.
const TYPES: Record<string, string> = {
  html: "text/html", htm: "text/html", css: "text/css", js: "text/javascript", mjs: "text/javascript",
  json: "application/json", txt: "text/plain", md: "text/markdown", csv: "text/csv", tsv: "text/tab-separated-values",
  xml: "application/xml", svg: "image/svg+xml", png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg",
  gif: "image/gif", webp: "image/webp", avif: "image/avif", ico: "image/vnd.microsoft.icon", pdf: "application/pdf",
  wasm: "application/wasm", zip: "application/zip", gz: "application/gzip", tar: "application/x-tar",
  mp4: "video/mp4", webm: "video/webm", mp3: "audio/mpeg", wav: "audio/wav", woff: "font/woff", woff2: "font/woff2",
};

/** The type for a file name by its last extension (case-insensitive), or undefined. */
export function contentTypeOf(name: string): string | undefined {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? TYPES[base.slice(dot + 1).toLowerCase()] : undefined;
}

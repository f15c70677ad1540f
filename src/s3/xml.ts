// The one home of fast-xml-parser: building S3 response documents and parsing request bodies.
import { XMLBuilder, XMLParser } from "fast-xml-parser";

const NS = "http://s3.amazonaws.com/doc/2006-03-01/";
const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: "@", suppressEmptyNode: false, processEntities: true });
const parser = new XMLParser({ ignoreAttributes: true, parseTagValue: false, trimValues: false, isArray: (name) => ARRAY_TAGS.has(name) });
const ARRAY_TAGS = new Set(["Object", "Part", "CORSRule"]);

export type XmlValue = string | number | boolean | undefined | null | XmlObject | XmlValue[];
export interface XmlObject {
  [name: string]: XmlValue;
}

/** An S3 response document: <?xml ...?><Root xmlns="...">...</Root>. Undefined fields are left out. */
export function xmlDocument(root: string, body: XmlObject, namespace = true): string {
  const content = namespace ? { "@xmlns": NS, ...prune(body) } : prune(body);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${builder.build({ [root]: content })}`;
}

function prune(value: XmlObject): XmlObject {
  const out: XmlObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) out[k] = v.map((x) => (typeof x === "object" && x !== null && !Array.isArray(x) ? prune(x) : x));
    else if (typeof v === "object") out[k] = prune(v);
    else out[k] = v;
  }
  return out;
}

/** Parses a request body; undefined when it is not well-formed XML. */
export function parseXml(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = parser.parse(text, true) as Record<string, unknown>;
    return typeof parsed === "object" && parsed !== null ? parsed : undefined;
  } catch {
    return undefined;
  }
}

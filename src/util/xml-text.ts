// Text read back out of an S3 XML answer without a parser (an error's <Message>, a listing's <Key>): the five
// entities and the character references (&#x19;) that S3 writes for what XML cannot carry as it is.
const NAMED: Record<string, string> = { lt: "<", gt: ">", quot: '"', apos: "'", amp: "&" };

export function unescapeXml(s: string): string {
  return s.replace(/&(lt|gt|quot|apos|amp|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, e: string) =>
    e[0] === "#" ? String.fromCodePoint(e[1] === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : NAMED[e]);
}

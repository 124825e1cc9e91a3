/**
 * Reading the few values the local event bus needs out of the XML answers
 * that pass through the edge (SNS Publish, EC2 instance calls): the bytes the
 * client gets, which no SDK client parses for us.
 */

/** XML text with its five entities and character references decoded. */
export function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|quot|apos|lt|gt|amp);/gi, (_m, e: string) => {
    if (e[0] === '#') return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10));
    return ({ quot: '"', apos: "'", lt: '<', gt: '>', amp: '&' } as Record<string, string>)[e.toLowerCase()];
  });
}

/** The decoded text of each `<tag>...</tag>` element (no nesting of the same tag), in order. */
export function xmlValues(xml: string, tag: string): string[] {
  return [...xml.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => unescapeXml(m[1]));
}

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

/** An element of a parsed XML document: its name, its child elements in order, and its own text. */
export interface XmlElement {
  readonly name: string;
  readonly children: XmlElement[];
  text: string;
}

const TOKEN = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z_][\w.:-]*)[^>]*?(\/?)>|([^<]+)/g;

/**
 * The root element of an AWS XML answer, or undefined when the text is not
 * well-formed XML. Attributes are ignored (AWS answers carry only xmlns).
 */
export function parseXml(xml: string): XmlElement | undefined {
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  for (const match of xml.matchAll(TOKEN)) {
    const [, closing, name, selfClosing, text] = match;
    if (text !== undefined) {
      if (stack.length) stack[stack.length - 1].text += unescapeXml(text);
      continue;
    }
    if (!name) continue;
    if (closing) {
      if (stack.pop()?.name !== name) return undefined;
      continue;
    }
    const element: XmlElement = { name, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(element);
    else if (root) return undefined;
    else root = element;
    if (!selfClosing) stack.push(element);
  }
  return stack.length === 0 ? root : undefined;
}

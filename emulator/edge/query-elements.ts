import { XmlElement, parseXml } from '../xml';

/** Fields CloudTrail never shows, at any depth: secrets, keys and payloads. */
const SECRET = /^(secretAccessKey|sessionToken|password|privateKey|plaintext|userData)$/i;

function lowerFirst(key: string): string {
  return key.length ? key[0].toLowerCase() + key.slice(1) : key;
}

/** An element as CloudTrail writes answers: `item` children become `items`, leaves their text, booleans typed. */
function toJson(element: XmlElement): unknown {
  if (element.children.length === 0) {
    const text = element.text.trim();
    return text === 'true' ? true : text === 'false' ? false : text;
  }
  if (element.children.every((c) => c.name === 'item' || c.name === 'member')) {
    const list = element.children.map(toJson);
    return element.children[0].name === 'item' ? { items: list } : list;
  }
  const out: Record<string, unknown> = {};
  for (const child of element.children) {
    const key = lowerFirst(child.name);
    if (SECRET.test(key)) continue;
    out[key] = toJson(child);
  }
  return out;
}

/**
 * `responseElements` for an answer of a query-protocol service (EC2, IAM,
 * STS, SNS, SQS), from its XML, as CloudTrail writes them: EC2's answer as it
 * is (`instancesSet: {items: [...]}`), the others' `<Operation>Result` with
 * lower-camel-case names; secrets dropped at any depth. Undefined when the
 * XML cannot be read.
 */
export function responseElementsFromXml(xml: string): Record<string, unknown> | undefined {
  const root = parseXml(xml);
  if (!root || root.children.length === 0) return undefined;
  const result = root.children.find((c) => c.name.endsWith('Result'));
  const body = toJson(result ?? { ...root, children: root.children.filter((c) => c.name !== 'ResponseMetadata') });
  return body && typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length ? (body as Record<string, unknown>) : undefined;
}

/** EC2's list parameters as CloudTrail names them: `InstanceId.N` is `instancesSet`, `Filter.N` is `filterSet`, and so on. */
const EC2_LISTS: Record<string, { set: string; item?: string }> = {
  InstanceId: { set: 'instancesSet', item: 'instanceId' },
  Filter: { set: 'filterSet' },
  Value: { set: 'valueSet', item: 'value' },
  TagSpecification: { set: 'tagSpecificationSet' },
  Tag: { set: 'tagSet' },
  ResourceId: { set: 'resourcesSet', item: 'resourceId' },
  SecurityGroupId: { set: 'securityGroupIdSet', item: 'groupId' },
  BlockDeviceMapping: { set: 'blockDeviceMapping' },
};

type Tree = { [key: string]: Tree | string };

function insert(tree: Tree, path: string[], value: string): void {
  let node = tree;
  for (const [i, part] of path.entries()) {
    if (i === path.length - 1) node[part] = value;
    else node = (node[part] = (typeof node[part] === 'object' ? node[part] : {}) as Tree) as Tree;
  }
}

function convert(tree: Tree | string): unknown {
  if (typeof tree === 'string') return tree === 'true' ? true : tree === 'false' ? false : tree;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(tree)) {
    if (SECRET.test(key)) continue;
    const list = EC2_LISTS[key];
    const indexed = typeof child === 'object' && Object.keys(child).length > 0 && Object.keys(child).every((k) => /^\d+$/.test(k));
    if (list && indexed) {
      const entries = Object.keys(child).sort((a, b) => Number(a) - Number(b)).map((k) => (child as Tree)[k]);
      out[list.set] = { items: entries.map((e) => (list.item && typeof e === 'string' ? { [list.item]: convert(e) } : convert(e))) };
    } else if (indexed) {
      out[lowerFirst(key)] = Object.keys(child).sort((a, b) => Number(a) - Number(b)).map((k) => convert((child as Tree)[k]));
    } else {
      out[lowerFirst(key)] = convert(child);
    }
  }
  return out;
}

/**
 * EC2's request parameters as CloudTrail shows them: the flat query fields
 * (`InstanceId.1`, `Filter.1.Value.1`, `TagSpecification.1.Tag.1.Key`)
 * nested into `instancesSet: {items: [...]}`-style objects, with
 * lower-camel-case names; user data and other secrets dropped.
 */
export function ec2RequestParameters(params: Record<string, unknown>): Record<string, unknown> | null {
  const tree: Tree = {};
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || typeof value === 'object') continue;
    insert(tree, key.split('.'), String(value));
  }
  const out = convert(tree) as Record<string, unknown>;
  return Object.keys(out).length ? out : null;
}

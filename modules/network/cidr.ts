import { isIPv4, isIPv6 } from 'node:net';

/** Ranges that mean "anyone on the internet". */
export const WHOLE_INTERNET = ['0.0.0.0/0', '::/0'] as const;

export interface Cidr {
  readonly text: string;
  readonly version: 4 | 6;
}

/**
 * Checks one CIDR block, e.g. `203.0.113.7/32` or `2001:db8::/64`, and says
 * what is wrong with it. An IPv4 block must be written with its network
 * address (host bits zero), as EC2 and the AWS provider require.
 */
export function parseCidr(text: string, what = 'CIDR'): Cidr {
  const match = /^([^/\s]+)\/(\d{1,3})$/.exec(text);
  if (!match) throw new Error(`${what} "${text}" is not a CIDR block such as 203.0.113.7/32 (one address) or 2001:db8::/64`);
  const [, address, bitsText] = match;
  const bits = Number(bitsText);
  if (isIPv4(address)) {
    if (bits > 32) throw new Error(`${what} "${text}": an IPv4 prefix length is 0 to 32`);
    const value = address.split('.').reduce((acc, octet) => acc * 256 + Number(octet), 0);
    const size = 2 ** (32 - bits);
    const network = value - (value % size);
    if (network !== value) {
      const networkText = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256).join('.');
      throw new Error(`${what} "${text}" has host bits set: write ${networkText}/${bits} for the network, or ${address}/32 for one address`);
    }
    return { text, version: 4 };
  }
  if (isIPv6(address)) {
    if (bits > 128) throw new Error(`${what} "${text}": an IPv6 prefix length is 0 to 128`);
    return { text, version: 6 };
  }
  throw new Error(`${what} "${text}" is not a CIDR block: "${address}" is not an IPv4 or IPv6 address`);
}

/** Splits a list written as `a, b c` (commas and/or spaces) into CIDR blocks, checking each. */
export function parseCidrList(text: string, what = 'CIDR'): string[] {
  return text
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((item) => parseCidr(item, what).text);
}

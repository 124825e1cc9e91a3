import { parseCidr, parseCidrList } from './cidr';

describe('parseCidr', () => {
  it.each([
    ['203.0.113.7/32', 4],
    ['198.51.100.0/24', 4],
    ['0.0.0.0/0', 4],
    ['2001:db8::/64', 6],
    ['::/0', 6],
  ])('accepts %s (IPv%s)', (text, version) => {
    expect(parseCidr(text)).toEqual({ text, version });
  });

  it.each([
    ['203.0.113.7', /"203.0.113.7" is not a CIDR block such as 203.0.113.7\/32/],
    ['203.0.113.7/24', 'CIDR "203.0.113.7/24" has host bits set: write 203.0.113.0/24 for the network, or 203.0.113.7/32 for one address'],
    ['10.0.0.0/33', /an IPv4 prefix length is 0 to 32/],
    ['2001:db8::/129', /an IPv6 prefix length is 0 to 128/],
    ['300.1.1.1/32', /"300.1.1.1" is not an IPv4 or IPv6 address/],
  ])('rejects %s, saying why', (text, message) => {
    expect(() => parseCidr(text)).toThrow(message);
  });

  it('reads a list separated by commas and spaces, naming the setting in errors', () => {
    expect(parseCidrList(' 203.0.113.7/32,198.51.100.0/24  2001:db8::/64 ')).toEqual(['203.0.113.7/32', '198.51.100.0/24', '2001:db8::/64']);
    expect(() => parseCidrList('203.0.113.7/32,nope', 'CTLAB_ALLOWED_CIDRS entry')).toThrow(/^CTLAB_ALLOWED_CIDRS entry "nope"/);
  });
});

import { describe, expect, it } from 'vitest';
import { isBlockedAddress } from './address-policy.js';

/** Hosts as a URL parser or a resolver hands them over (brackets removed). */
const blocked: [string, string][] = [
  ['IPv4 loopback', '127.0.0.1'],
  ['the rest of 127/8', '127.255.0.9'],
  ['"this host" 0.0.0.0', '0.0.0.0'],
  ['private 10/8', '10.0.0.1'],
  ['private 172.16/12', '172.31.255.254'],
  ['private 192.168/16', '192.168.1.1'],
  ['carrier-grade NAT', '100.64.0.1'],
  ['link-local', '169.254.1.1'],
  ['the cloud metadata service', '169.254.169.254'],
  ['multicast', '224.0.0.1'],
  ['broadcast / reserved', '255.255.255.255'],
  ['IPv6 unspecified', '::'],
  ['IPv6 loopback', '::1'],
  ['IPv6 loopback, long form', '0:0:0:0:0:0:0:1'],
  ['IPv4-compatible loopback (dotted)', '::127.0.0.1'],
  ['IPv4-compatible loopback (hex)', '::7f00:1'],
  ['IPv4-compatible private', '::10.0.0.1'],
  ['IPv4-compatible, even of a public address', '::8.8.8.8'],
  ['IPv4-mapped loopback (dotted)', '::ffff:127.0.0.1'],
  ['IPv4-mapped loopback (hex)', '::ffff:7f00:1'],
  ['IPv4-mapped loopback (long form)', '0:0:0:0:0:ffff:7f00:1'],
  ['IPv4-mapped loopback (upper case)', '::FFFF:7F00:1'],
  ['IPv4-mapped metadata service', '::ffff:169.254.169.254'],
  ['IPv4-mapped 0.0.0.0', '::ffff:0.0.0.0'],
  ['IPv4-translated loopback', '::ffff:0:127.0.0.1'],
  ['NAT64 of a private address (dotted)', '64:ff9b::10.0.0.1'],
  ['NAT64 of a private address (hex)', '64:ff9b::a00:1'],
  ['NAT64 of the metadata service', '64:ff9b::a9fe:a9fe'],
  ['local-use NAT64', '64:ff9b:1::8.8.8.8'],
  ['6to4 of loopback', '2002:7f00:1::'],
  ['6to4 of a private address', '2002:a00:1::1'],
  ['Teredo carrying a private client', '2001:0:4136:e378:8000:63bf:f5ff:fffe'],
  ['Teredo, any', '2001:0:4136:e378:8000:63bf:80ff:fffe'],
  ['IPv6 unique-local (AWS IPv6 metadata)', 'fd00:ec2::254'],
  ['IPv6 link-local', 'fe80::1'],
  ['IPv6 link-local with a zone', 'fe80::1%eth0'],
  ['IPv6 site-local', 'fec0::1'],
  ['IPv6 multicast', 'ff02::1'],
  ['IPv6 documentation', '2001:db8::1'],
  ['a decimal IPv4 literal (never a canonical address)', '2130706433'],
  ['a hex IPv4 literal', '0x7f.1'],
  ['an octal IPv4 literal', '0177.0.0.1'],
  ['a short IPv4 literal', '127.1'],
  ['a hostname (must be resolved first)', 'localhost'],
  ['empty', ''],
];

const allowed: [string, string][] = [
  ['a public IPv4 address', '8.8.8.8'],
  ['a public IPv6 address', '2606:4700:4700::1111'],
  ['an IPv4-mapped public address', '::ffff:8.8.8.8'],
  ['NAT64 of a public address (IPv6-only hosts with DNS64)', '64:ff9b::808:808'],
];

describe('address policy', () => {
  it.each(blocked)('blocks %s (%s)', (_what, address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each(allowed)('allows %s (%s)', (_what, address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });
});

import { BlockList, isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * IPv4 ranges a tool must never reach: "this network" (0.0.0.0/8), loopback,
 * private (RFC 1918), CGNAT, link-local (which holds the cloud metadata
 * service 169.254.169.254), multicast, documentation and reserved ranges.
 */
const blockedV4 = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const) {
  blockedV4.addSubnet(net, prefix, 'ipv4');
}

/**
 * IPv6 ranges blocked whatever they carry: IPv4-compatible (::/96, deprecated,
 * `::7f00:1` is 127.0.0.1 on stacks that still route it; also :: and ::1),
 * local-use NAT64, discard, Teredo (2001::/32) and 6to4 (2002::/16) — relayed
 * transition mechanisms a server has no business calling — documentation,
 * unique-local (fd00:ec2::254 is AWS's IPv6 metadata), link-local, site-local
 * and multicast.
 */
const blockedV6 = [
  '::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/32',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
].map((cidr) => ipaddr.IPv6.parseCIDR(cidr));

/**
 * IPv6 forms that stand for an IPv4 address, judged by the IPv4 they carry:
 * IPv4-mapped (::ffff:a.b.c.d, in any spelling), IPv4-translated
 * (::ffff:0:a.b.c.d) and the well-known NAT64 prefix 64:ff9b::/96 (so an
 * IPv6-only host behind DNS64 still reaches public services).
 */
function embeddedIPv4(parts: readonly number[]): string | null {
  const head = parts.slice(0, 6).join(':');
  if (head === '0:0:0:0:0:65535' || head === '0:0:0:0:65535:0' || head === '100:65435:0:0:0:0') {
    const [hi, lo] = [parts[6]!, parts[7]!];
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return null;
}

/**
 * True when `address` (an IP literal as a resolver or URL parser returns it)
 * is in a range tools may not reach. Anything that is not a canonical IP
 * literal — `0x7f.1`, `2130706433`, `0177.0.0.1`, a hostname — is refused:
 * URLs are normalised by WHATWG URL before they get here, so an odd spelling
 * means someone bypassed that.
 */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return blockedV4.check(address, 'ipv4');
  if (family !== 6) return true;
  // Both BlockList and ipaddr.js read `::a.b.c.d` as IPv4-mapped; it is
  // IPv4-compatible (::/96). WHATWG URL gives the canonical hex form first.
  const canonical = new URL(`http://[${address.replace(/%.*$/, '')}]/`).hostname.slice(1, -1);
  const ip = ipaddr.IPv6.parse(canonical);
  const v4 = embeddedIPv4(ip.parts);
  if (v4 !== null) return blockedV4.check(v4, 'ipv4');
  return blockedV6.some((range) => ip.match(range));
}

export class SsrfBlockedError extends Error {
  readonly code = 'ssrf_blocked';
  constructor(
    readonly host: string,
    readonly address: string | null,
  ) {
    super(
      address && address !== host
        ? `Blocked: ${host} resolves to ${address}, a private, loopback or link-local address`
        : `Blocked: ${host} is a private, loopback or link-local address`,
    );
    this.name = 'SsrfBlockedError';
  }
}

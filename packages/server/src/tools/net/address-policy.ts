import { BlockList, isIP } from 'node:net';

/**
 * Addresses a tool must never reach: loopback, private (RFC 1918), CGNAT,
 * link-local (which holds the cloud metadata service 169.254.169.254),
 * IPv6 unique-local (fd00:ec2::254 is AWS's IPv6 metadata), multicast,
 * documentation and reserved ranges, and IPv6 forms that embed IPv4
 * (IPv4-mapped addresses are matched against the IPv4 rules by BlockList).
 */
const blocked = new BlockList();
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
  blocked.addSubnet(net, prefix, 'ipv4');
}
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['64:ff9b:1::', 48],
  ['100::', 64],
  ['2001::', 32],
  ['2001:db8::', 32],
  ['2002::', 16],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const) {
  blocked.addSubnet(net, prefix, 'ipv6');
}

/** True when `address` (an IP literal) is in a range tools may not reach. */
export function isBlockedAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an IP: never treat as safe
  return blocked.check(address, family === 4 ? 'ipv4' : 'ipv6');
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

import { BlockList, isIP, isIPv4, isIPv6 } from 'node:net';

export interface AddressPolicy {
  /** Development escape hatch: when true no address is blocked. */
  allowPrivate: boolean;
  /** CIDRs (or bare addresses) that stay reachable although they fall in a blocked range. */
  allowedCidrs: string[];
  /**
   * Ports a target may use, as inclusive ranges (ALLOWED_TARGET_PORTS, by default 80, 443 and 1024-65535: a public
   * host's SSH, SMTP or other well-known services are not webhook receivers). Any port when omitted, and with
   * allowPrivate.
   */
  allowedPorts?: Array<[number, number]>;
}

/** Why the port must not be contacted, or null when it may be. */
export function blockedPort(port: number, policy: AddressPolicy): string | null {
  if (policy.allowPrivate || !policy.allowedPorts) return null;
  if (policy.allowedPorts.some(([low, high]) => port >= low && port <= high)) return null;
  const allowed = policy.allowedPorts.map(([low, high]) => (low === high ? String(low) : `${low}-${high}`)).join(',');
  return `port ${port} is not one webhooks may use (ALLOWED_TARGET_PORTS=${allowed})`;
}

/** The port a URL or a connection goes to: its own, or its scheme's. */
export function effectivePort(port: string | number | undefined, protocol: string): number {
  const explicit = Number(port);
  return Number.isInteger(explicit) && explicit > 0 ? explicit : protocol === 'https:' ? 443 : 80;
}

type Family = 'ipv4' | 'ipv6';

interface BlockedRange {
  family: Family;
  address: string;
  prefix: number;
  label: string;
}

/*
 * Order matters: the first matching range names the reason, so the narrow, more telling ranges
 * (metadata, broadcast) come before the wide ones that contain them.
 */
const BLOCKED_RANGES: readonly BlockedRange[] = [
  { family: 'ipv4', address: '169.254.169.254', prefix: 32, label: 'cloud metadata address' },
  // Azure's wire server sits on a public address but serves instance metadata and credentials.
  { family: 'ipv4', address: '168.63.129.16', prefix: 32, label: 'cloud metadata address' },
  { family: 'ipv4', address: '0.0.0.0', prefix: 8, label: 'unspecified address' }, // 0/8 "this network": Linux routes 0.0.0.0 to the local host
  { family: 'ipv4', address: '10.0.0.0', prefix: 8, label: 'private address' },
  { family: 'ipv4', address: '100.64.0.0', prefix: 10, label: 'carrier-grade NAT address' },
  { family: 'ipv4', address: '127.0.0.0', prefix: 8, label: 'loopback address' },
  { family: 'ipv4', address: '169.254.0.0', prefix: 16, label: 'link-local address' },
  { family: 'ipv4', address: '172.16.0.0', prefix: 12, label: 'private address' },
  { family: 'ipv4', address: '192.0.0.0', prefix: 24, label: 'IETF protocol assignment address' },
  { family: 'ipv4', address: '192.0.2.0', prefix: 24, label: 'documentation address' },
  { family: 'ipv4', address: '192.88.99.0', prefix: 24, label: '6to4 relay anycast address' },
  { family: 'ipv4', address: '192.168.0.0', prefix: 16, label: 'private address' },
  { family: 'ipv4', address: '198.18.0.0', prefix: 15, label: 'benchmarking address' },
  { family: 'ipv4', address: '198.51.100.0', prefix: 24, label: 'documentation address' },
  { family: 'ipv4', address: '203.0.113.0', prefix: 24, label: 'documentation address' },
  { family: 'ipv4', address: '224.0.0.0', prefix: 4, label: 'multicast address' },
  { family: 'ipv4', address: '255.255.255.255', prefix: 32, label: 'broadcast address' },
  { family: 'ipv4', address: '240.0.0.0', prefix: 4, label: 'reserved address' },
  { family: 'ipv6', address: '::', prefix: 128, label: 'unspecified address' },
  { family: 'ipv6', address: '::1', prefix: 128, label: 'loopback address' },
  { family: 'ipv6', address: 'fd00:ec2::254', prefix: 128, label: 'cloud metadata address' },
  { family: 'ipv6', address: 'fc00::', prefix: 7, label: 'unique-local address' },
  { family: 'ipv6', address: 'fe80::', prefix: 10, label: 'link-local address' },
  { family: 'ipv6', address: 'fec0::', prefix: 10, label: 'site-local address' },
  { family: 'ipv6', address: 'ff00::', prefix: 8, label: 'multicast address' },
  { family: 'ipv6', address: '100::', prefix: 64, label: 'discard-only address' },
  { family: 'ipv6', address: '2001:db8::', prefix: 32, label: 'documentation address' },
  // Teredo (2001::/32, which tunnels to an embedded IPv4 address), benchmarking and ORCHID live in 2001::/23.
  { family: 'ipv6', address: '2001::', prefix: 23, label: 'IETF protocol assignment address' },
  // NAT64 local-use prefix (RFC 8215): may translate to any IPv4 address, internal ones included.
  { family: 'ipv6', address: '64:ff9b:1::', prefix: 48, label: 'local-use NAT64 address' },
  { family: 'ipv6', address: '3fff::', prefix: 20, label: 'documentation address' },
  { family: 'ipv6', address: '5f00::', prefix: 16, label: 'SRv6 SID address' },
];

/*
 * One BlockList per range so a hit can be named. Node's BlockList matches across families
 * (an IPv6 rule such as ::/0 also matches IPv4 addresses), so every lookup below is same-family only.
 */
const BLOCKED_LISTS = BLOCKED_RANGES.map((range) => {
  const list = new BlockList();
  list.addSubnet(range.address, range.prefix, range.family);
  return { family: range.family, label: range.label, list };
});

function familyOf(ip: string): Family | null {
  const version = isIP(ip);
  return version === 4 ? 'ipv4' : version === 6 ? 'ipv6' : null;
}

function withoutZone(ip: string): string {
  const percent = ip.indexOf('%');
  return percent === -1 ? ip : ip.slice(0, percent);
}

/** Expands an already validated IPv6 literal into its eight 16-bit groups. */
function ipv6Groups(ip: string): number[] {
  let text = withoutZone(ip).toLowerCase();
  const tail: number[] = [];
  const lastColon = text.lastIndexOf(':');
  const last = text.slice(lastColon + 1);
  if (last.includes('.')) {
    const [a, b, c, d] = last.split('.').map(Number);
    tail.push((a << 8) | b, (c << 8) | d);
    // Keep a "::" that precedes the dotted quad; drop a lone separating ":".
    text = text.slice(0, lastColon + 1);
    if (!text.endsWith('::')) text = text.slice(0, -1);
  }
  const toGroups = (part: string): number[] => (part === '' ? [] : part.split(':').map((h) => parseInt(h, 16)));
  const gap = text.indexOf('::');
  if (gap === -1) return [...toGroups(text), ...tail];
  const left = toGroups(text.slice(0, gap));
  const right = toGroups(text.slice(gap + 2));
  const zeros = new Array<number>(8 - left.length - right.length - tail.length).fill(0);
  return [...left, ...zeros, ...right, ...tail];
}

/** RFC 5952 text form: lowercase, leading zeros dropped, the longest (leftmost) zero run of 2+ groups as "::". */
function formatIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i += 1;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j += 1;
    if (j - i > bestLength) [bestStart, bestLength] = [i, j - i];
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestLength < 2) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

function ipv4FromGroups(high: number, low: number): string {
  return [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
}

/*
 * These encodings all end up delivering packets to the embedded IPv4 host (dual-stack sockets,
 * NAT64 gateways, 6to4 relays), so they must be judged by the IPv4 rules, not by the IPv6 ones
 * where they would look like ordinary global addresses.
 */
function embeddedIpv4(g: number[]): string | null {
  const zeroUpTo = (end: number) => g.slice(0, end).every((x) => x === 0);
  // ::ffff:a.b.c.d — IPv4-mapped.
  if (zeroUpTo(5) && g[5] === 0xffff) return ipv4FromGroups(g[6], g[7]);
  // ::ffff:0:a.b.c.d — SIIT IPv4-translated (RFC 2765), same risk as mapped.
  if (zeroUpTo(4) && g[4] === 0xffff && g[5] === 0) return ipv4FromGroups(g[6], g[7]);
  // ::a.b.c.d — deprecated IPv4-compatible; :: and ::1 are genuine IPv6 and stay as they are.
  if (zeroUpTo(6) && !(g[6] === 0 && g[7] <= 1)) return ipv4FromGroups(g[6], g[7]);
  // 64:ff9b::a.b.c.d — NAT64 well-known prefix (RFC 6052).
  if (g[0] === 0x64 && g[1] === 0xff9b && g.slice(2, 6).every((x) => x === 0)) return ipv4FromGroups(g[6], g[7]);
  // 2002:AABB:CCDD::/48 — 6to4 carries the IPv4 address in bits 16-48.
  if (g[0] === 0x2002) return ipv4FromGroups(g[1], g[2]);
  return null;
}

/**
 * Canonical text form of an IP address; IPv6 forms that embed an IPv4 address come back as that
 * IPv4 address. Anything that is not an IP literal is returned unchanged.
 */
export function normaliseIp(ip: string): string {
  if (isIPv4(ip)) return ip;
  if (!isIPv6(ip)) return ip;
  const groups = ipv6Groups(ip);
  return embeddedIpv4(groups) ?? formatIpv6(groups);
}

interface Cidr {
  family: Family;
  address: string;
  prefix: number;
}

/** Null for malformed entries: ignoring them only ever blocks more, never less. */
function parseCidr(text: string): Cidr | null {
  const [address, prefixText, ...rest] = text.trim().split('/');
  const family = familyOf(address);
  if (!family || rest.length > 0) return null;
  const max = family === 'ipv4' ? 32 : 128;
  if (prefixText === undefined) return { family, address, prefix: max };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= max ? { family, address, prefix } : null;
}

function inAllowedCidrs(ip: string, family: Family, cidrs: string[]): boolean {
  return cidrs.some((text) => {
    const cidr = parseCidr(text);
    if (!cidr || cidr.family !== family) return false;
    const list = new BlockList();
    list.addSubnet(cidr.address, cidr.prefix, cidr.family);
    return list.check(ip, family);
  });
}

/** Why the address must not be contacted, or null when it may be. */
export function blockedReason(ip: string, policy: AddressPolicy): string | null {
  // Judged before allowPrivate: something that is not an address can never be a safe target.
  const normalised = normaliseIp(ip);
  const family = familyOf(normalised);
  if (!family) return `not an IP address: ${JSON.stringify(ip)}`;
  if (policy.allowPrivate) return null;
  const hit = BLOCKED_LISTS.find((entry) => entry.family === family && entry.list.check(normalised, family));
  if (!hit) return null;
  if (inAllowedCidrs(normalised, family, policy.allowedCidrs)) return null;
  const origin = familyOf(ip) !== family ? ` (embedded in ${ip})` : '';
  return `${hit.label} ${normalised}${origin}`;
}

/**
 * The IP literal in a WHATWG `URL.hostname` (brackets removed), or null for a DNS name.
 * Relies on the URL parser having already turned decimal/hex/octal IPv4 spellings into dotted quads.
 */
export function literalHost(hostname: string): string | null {
  const unbracketed = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(unbracketed) ? unbracketed : null;
}

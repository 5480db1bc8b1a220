// Client allow-list: CIDR blocks, IPv4 and IPv6. An IPv4 client reached over a dual-stack
// socket shows as `::ffff:a.b.c.d`; it is matched against the IPv4 blocks.
import { BlockList, isIP } from 'node:net';
import { parseCidrText } from './config';

export interface AllowList {
  allows(address: string | undefined): boolean;
}

/** `::ffff:192.0.2.1` → `192.0.2.1`; other addresses unchanged (zone ids dropped). */
export function normalizeAddress(address: string): string {
  const a = address.replace(/%.*$/, '');
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  return m ? m[1] : a;
}

export function createAllowList(cidrs: readonly string[]): AllowList {
  const list = new BlockList();
  for (const c of cidrs) {
    const p = parseCidrText(c);
    if (!p) throw new TypeError(`not a CIDR block: ${c}`);
    // An IPv4-mapped IPv6 block is an IPv4 block.
    const mapped = p.family === 6 && /^::ffff:\d+\.\d+\.\d+\.\d+$/i.test(p.address) && p.prefix >= 96;
    if (mapped) list.addSubnet(normalizeAddress(p.address), p.prefix - 96, 'ipv4');
    else list.addSubnet(p.address, p.prefix, p.family === 4 ? 'ipv4' : 'ipv6');
  }
  return {
    allows(address) {
      if (!address) return false;
      const a = normalizeAddress(address);
      const family = isIP(a);
      if (family === 0) return false;
      return list.check(a, family === 4 ? 'ipv4' : 'ipv6');
    },
  };
}

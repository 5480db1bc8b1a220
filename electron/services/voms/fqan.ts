import { OnboardError } from '../../../shared/errors';

/**
 * VOMS FQANs: `/<vo>[/<group>…][/Role=<role>][/Capability=<cap>]`. A request names groups or
 * roles (`/cms`, `/cms/Role=production`); the AC lists each granted one in the long form VOMS
 * servers write (`/cms/Role=NULL/Capability=NULL`).
 */
const PART = /^[A-Za-z0-9_.-]+$/;

export interface Fqan {
  readonly vo: string;
  /** `/vo/group/sub` */
  readonly group: string;
  /** 'NULL' when none. */
  readonly role: string;
  readonly capability: string;
}

export function parseFqan(text: string, vo?: string): Fqan {
  const bad = (detail: string): never => {
    throw new OnboardError('VOMS_FQAN_INVALID', { fqan: text, vo: vo ?? 'the VO', detail });
  };
  if (!text.startsWith('/')) bad('it must start with /');
  const parts = text.slice(1).split('/');
  const groups: string[] = [];
  let role = 'NULL';
  let capability = 'NULL';
  for (const [i, p] of parts.entries()) {
    const m = /^(Role|Capability)=(.*)$/.exec(p);
    if (m) {
      if (!PART.test(m[2])) bad(`“${p}” has characters a VOMS attribute cannot hold`);
      if (m[1] === 'Role') {
        if (capability !== 'NULL' || i !== groups.length) bad('Role= must follow the groups');
        role = m[2];
      } else capability = m[2];
      continue;
    }
    if (role !== 'NULL' || capability !== 'NULL') bad('groups must come before Role= and Capability=');
    if (!PART.test(p)) bad(p === '' ? 'it has an empty part' : `“${p}” has characters a group name cannot hold`);
    groups.push(p);
  }
  if (groups.length === 0) bad('it names no VO');
  if (vo !== undefined && groups[0] !== vo) bad(`it belongs to the VO “${groups[0]}”`);
  return { vo: groups[0], group: '/' + groups.join('/'), role, capability };
}

/** The long form an AC carries: `/vo/group/Role=NULL/Capability=NULL`. */
export function longFqan(f: Fqan): string {
  return `${f.group}/Role=${f.role}/Capability=${f.capability}`;
}

/** The short form voms-proxy-info and users write: `/vo/group` or `/vo/group/Role=x`. */
export function shortFqan(f: Fqan): string {
  return f.group + (f.role !== 'NULL' ? `/Role=${f.role}` : '') + (f.capability !== 'NULL' ? `/Capability=${f.capability}` : '');
}

/** Parses a comma- or space-separated `fqans` request parameter (VOMS REST), all of one VO. */
export function parseFqanList(text: string, vo?: string): Fqan[] {
  const items = text.split(/[,\s]+/).filter(Boolean);
  return items.map((t) => parseFqan(t, vo ?? (items[0] ? parseFqan(items[0]).vo : undefined)));
}

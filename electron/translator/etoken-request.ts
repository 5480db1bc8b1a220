// The eToken REST request, read exactly as the original servlet takes it:
//   GET /eTokenServer/eToken/<robot-id>?voms=<VO>:/<VO>&proxy-renewal=…&disable-voms-proxy=…
//       &rfc-proxy=…&cn-label=user:<id>
// Flags are true for true|yes|enable|on (any case). `voms` may list several `VO:FQAN`
// separated by spaces (`+` in the URL). Our additions: `key-type=rsa|ec`.

export const ETOKEN_BASE = '/eTokenServer/eToken';

export interface VomsRequest {
  readonly vo: string;
  readonly fqan: string;
}

export interface ETokenRequest {
  readonly robotId: string;
  readonly voms: readonly VomsRequest[];
  readonly proxyRenewal: boolean;
  readonly disableVoms: boolean;
  readonly rfc: boolean;
  readonly cnLabel: string;
  readonly keyType?: 'rsa' | 'ec';
}

/** A request refused before any work: HTTP status, a stable reason code, and the text the portal reads. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
  readonly headers?: Record<string, string>;
}

export type Route =
  | { kind: 'proxy'; robotId: string }
  | { kind: 'list'; format: 'json' | 'text' }
  | { kind: 'health' }
  | { kind: 'none' };

/** true|yes|enable|on (case-insensitive) → true; anything else given → false; absent → fallback. */
export function etokenFlag(value: string | null, fallback: boolean): boolean {
  if (value === null) return fallback;
  return /^(true|yes|enable|on)$/i.test(value.trim());
}

const VO_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const GROUP = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ROLE_OR_CAP = /^(Role|Capability)=[A-Za-z0-9][A-Za-z0-9._-]*$/;

/** Parses `VO:/VO[/group…][/Role=r]` items; returns undefined when any is malformed (→ 406). */
export function parseVoms(value: string | null): VomsRequest[] | undefined {
  if (value === null || value.trim() === '') return [];
  const out: VomsRequest[] = [];
  for (const item of value.trim().split(/\s+/)) {
    const colon = item.indexOf(':');
    const vo = colon < 0 ? item : item.slice(0, colon);
    const fqan = colon < 0 ? `/${item}` : item.slice(colon + 1);
    if (!VO_NAME.test(vo) || !fqan.startsWith('/')) return undefined;
    const parts = fqan.slice(1).split('/');
    if (parts[0] !== vo) return undefined;
    let seenRole = false;
    for (const p of parts.slice(1)) {
      if (ROLE_OR_CAP.test(p)) seenRole = true;
      else if (seenRole || !GROUP.test(p)) return undefined;
    }
    out.push({ vo, fqan });
  }
  return out;
}

/** The CN value a portal may ask for: `user:` + the characters grid DNs carry safely, ≤ 64 in all (X.520). */
const CN_LABEL = /^user:[A-Za-z0-9._@:-]{1,59}$/;

export function routeOf(pathname: string, search: URLSearchParams): Route {
  const p = pathname.replace(/\/+$/, '');
  if (p === '/health') return { kind: 'health' };
  if (p === ETOKEN_BASE) return { kind: 'list', format: search.get('format')?.toLowerCase() === 'json' ? 'json' : 'text' };
  if (p.startsWith(ETOKEN_BASE + '/')) {
    const id = p.slice(ETOKEN_BASE.length + 1);
    if (!id.includes('/')) return { kind: 'proxy', robotId: decodeURIComponent(id).toLowerCase() };
  }
  return { kind: 'none' };
}

/** Reads the query of a proxy request; a Refusal when something is asked that this service must not do. */
export function parseProxyQuery(robotId: string, q: URLSearchParams): ETokenRequest | Refusal {
  const rfc = etokenFlag(q.get('rfc-proxy'), true);
  if (!rfc) {
    return {
      status: 400, reason: 'legacy-proxy',
      text: 'Legacy (pre-RFC 3820, GT2/GT3) proxies are not supported: per-user sub-proxies must be RFC 3820 proxies (EGI PUSP rules). Ask with rfc-proxy=true.',
    };
  }
  const voms = parseVoms(q.get('voms'));
  if (!voms) {
    return {
      status: 406, reason: 'bad-fqan',
      text: `The voms parameter “${(q.get('voms') ?? '').slice(0, 200)}” is not a list of VO:FQAN (e.g. voms=myvo:/myvo or voms=myvo:/myvo/Role=pilot).`,
    };
  }
  const cnLabel = q.get('cn-label');
  if (cnLabel === null || cnLabel === '') {
    return { status: 400, reason: 'cn-label-missing', text: 'cn-label is required: this service makes per-user sub-proxies only (cn-label=user:<portal user id>).' };
  }
  if (!CN_LABEL.test(cnLabel)) {
    return {
      status: 400, reason: 'cn-label-invalid',
      text: 'cn-label must be “user:” followed by 1 to 59 letters, digits or . _ @ - : (characters that keep grid DNs unambiguous); use a pseudonym (e.g. an HMAC of the user id) for other ids.',
    };
  }
  const kt = q.get('key-type');
  if (kt !== null && kt !== 'rsa' && kt !== 'ec') {
    return { status: 400, reason: 'key-type-invalid', text: 'key-type must be rsa or ec.' };
  }
  return {
    robotId,
    voms,
    proxyRenewal: etokenFlag(q.get('proxy-renewal'), false),
    disableVoms: etokenFlag(q.get('disable-voms-proxy'), false),
    rfc,
    cnLabel,
    keyType: kt ?? undefined,
  };
}

export function isRefusal(v: unknown): v is Refusal {
  return typeof v === 'object' && v !== null && 'status' in v && 'reason' in v;
}

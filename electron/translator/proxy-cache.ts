// Proxy cache as the original eToken server had it (a proxy is handed out again while more than
// 20 h of its 24 h remain), but keyed per (robot, cn-label, VOMS, key type) — two portal users
// never share one — and consulted only when the request says proxy-renewal=true. Bounded: the
// oldest entries go first.
export interface CachedProxy {
  /** The text/plain answer: proxy certificate, proxy key, robot certificate. */
  readonly body: string;
  readonly serial: string;
  readonly notAfter: Date;
}

export interface ProxyCache {
  get(key: string, now?: Date): CachedProxy | undefined;
  set(key: string, value: CachedProxy): void;
  readonly size: number;
}

export function cacheKey(parts: { robotId: string; cnLabel: string; voms: readonly string[]; keyType: string }): string {
  return JSON.stringify([parts.robotId, parts.cnLabel, [...parts.voms].sort(), parts.keyType]);
}

export function createProxyCache(opts: { maxEntries: number; minRemainingMs: number }): ProxyCache {
  const map = new Map<string, CachedProxy>();
  return {
    get(key, now = new Date()) {
      const v = map.get(key);
      if (!v) return undefined;
      if (v.notAfter.getTime() - now.getTime() <= opts.minRemainingMs) {
        map.delete(key);
        return undefined;
      }
      return v;
    },
    set(key, value) {
      if (opts.maxEntries <= 0) return;
      map.delete(key);
      map.set(key, value);
      while (map.size > opts.maxEntries) map.delete(map.keys().next().value as string);
    },
    get size() {
      return map.size;
    },
  };
}

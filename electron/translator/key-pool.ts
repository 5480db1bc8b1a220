// A pool of fresh proxy key pairs made ahead of time in worker_threads, so a request does not
// wait ~160 ms for RSA key generation. Each key is handed out once (taken off the pool) and
// never again. The worker code is plain JS evaluated in the worker, so it runs the same from
// the TypeScript sources and from the CLI bundle.
import { createPrivateKey, generateKeyPair, type KeyObject } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { generateKeyPairSync } = require('node:crypto');
// On Linux the nice value is per thread: this lowers only this worker, so request handling on
// the main thread runs first and key generation takes the CPU time left over.
if (workerData && workerData.nice) { try { require('node:os').setPriority(workerData.nice); } catch {} }
parentPort.on('message', (m) => {
  try {
    const { privateKey } = generateKeyPairSync('rsa', {
      modulusLength: m.bits, publicExponent: 65537,
      publicKeyEncoding: { type: 'spki', format: 'der' },
      privateKeyEncoding: { type: 'pkcs8', format: 'der' },
    });
    const ab = privateKey.buffer.slice(privateKey.byteOffset, privateKey.byteOffset + privateKey.byteLength);
    parentPort.postMessage({ id: m.id, der: ab }, [ab]);
  } catch (e) {
    parentPort.postMessage({ id: m.id, error: String(e && e.message || e) });
  }
});
`;

export interface KeyPoolOptions {
  readonly bits: number;
  /** Keys kept ready (0: no pool, each take waits for a new key). */
  readonly size: number;
  /** Max keys started per second (0 = no limit). */
  readonly refillPerSecond?: number;
  readonly workers?: number;
  /** Nice value of the key generation threads (Linux: per thread; 0 = as the main thread). */
  readonly nice?: number;
  /**
   * True while requests are being served. Then the pool is topped up only once it is below
   * `lowWater`, so a burst the pool covers does not compete with key generation for the CPU;
   * call `resume()` when the service goes idle to fill the pool up again.
   */
  readonly busy?: () => boolean;
  /** Default: half the pool. */
  readonly lowWater?: number;
  readonly onEvent?: (event: string, fields?: Record<string, unknown>) => void;
}

export interface KeyPoolStats {
  readonly available: number;
  readonly size: number;
  readonly generating: number;
  readonly waiting: number;
  readonly made: number;
  readonly handedOut: number;
  readonly workers: number;
}

export interface KeyPool {
  /** A fresh RSA key never handed out before; waits when the pool is empty. */
  take(): Promise<KeyObject>;
  stats(): KeyPoolStats;
  /** Resolves once the pool holds `n` keys (or `size`). */
  filled(n?: number): Promise<void>;
  /** Top up now (after `busy()` turned false). */
  resume(): void;
  close(): Promise<void>;
}

interface Slot {
  worker: Worker;
  busy: boolean;
  id: number;
}

export function createKeyPool(opts: KeyPoolOptions): KeyPool {
  const count = opts.workers ?? Math.max(1, availableParallelism());
  const ready: KeyObject[] = [];
  const waiters: { resolve: (k: KeyObject) => void; reject: (e: Error) => void }[] = [];
  const fillWaiters: { n: number; resolve: () => void }[] = [];
  const slots: Slot[] = [];
  let made = 0;
  let handedOut = 0;
  let closed = false;
  let nextId = 1;
  let lastStart = 0;
  let timer: NodeJS.Timeout | undefined;
  const minGapMs = opts.refillPerSecond ? 1000 / opts.refillPerSecond : 0;

  const generating = () => slots.filter((s) => s.busy).length;
  const wanted = () => opts.size + waiters.length - ready.length - generating();

  const deliver = (key: KeyObject) => {
    made++;
    const w = waiters.shift();
    if (w) {
      handedOut++;
      w.resolve(key);
    } else ready.push(key);
    for (let i = fillWaiters.length - 1; i >= 0; i--) {
      if (ready.length >= fillWaiters[i].n) fillWaiters.splice(i, 1)[0].resolve();
    }
  };

  const lowWater = opts.lowWater ?? Math.floor(opts.size / 2);
  const pump = () => {
    if (closed) return;
    if (waiters.length === 0 && ready.length + generating() >= lowWater && opts.busy?.()) return;
    for (const s of slots) {
      if (wanted() <= 0) return;
      if (s.busy) continue;
      const now = Date.now();
      // The refill limit applies to topping up the pool, never to a request that is waiting.
      if (minGapMs && waiters.length === 0 && now - lastStart < minGapMs) {
        if (!timer) timer = setTimeout(() => ((timer = undefined), pump()), minGapMs - (now - lastStart));
        return;
      }
      lastStart = now;
      s.busy = true;
      s.id = nextId++;
      s.worker.postMessage({ id: s.id, bits: opts.bits });
    }
  };

  const spawn = (): Slot => {
    const slot: Slot = { worker: new Worker(WORKER_SOURCE, { eval: true, workerData: { nice: opts.nice ?? 0 } }), busy: false, id: 0 };
    slot.worker.unref();
    slot.worker.on('message', (m: { id: number; der?: ArrayBuffer; error?: string }) => {
      slot.busy = false;
      if (m.der) deliver(createPrivateKey({ key: Buffer.from(m.der), format: 'der', type: 'pkcs8' }));
      else opts.onEvent?.('key-pool-error', { error: m.error });
      pump();
    });
    slot.worker.on('error', (e) => {
      opts.onEvent?.('key-pool-worker-died', { error: e.message });
      if (closed) return;
      const i = slots.indexOf(slot);
      if (i >= 0) slots[i] = spawn();
      pump();
    });
    return slot;
  };
  for (let i = 0; i < count; i++) slots.push(spawn());
  pump();

  return {
    take() {
      if (closed) return Promise.reject(new Error('the key pool is closed'));
      const k = ready.shift();
      if (k) {
        handedOut++;
        pump();
        return Promise.resolve(k);
      }
      const p = new Promise<KeyObject>((resolve, reject) => waiters.push({ resolve, reject }));
      pump();
      return p;
    },
    resume: () => pump(),
    stats: () => ({ available: ready.length, size: opts.size, generating: generating(), waiting: waiters.length, made, handedOut, workers: slots.length }),
    filled(n = opts.size) {
      if (ready.length >= n) return Promise.resolve();
      return new Promise((resolve) => fillWaiters.push({ n, resolve }));
    },
    async close() {
      closed = true;
      if (timer) clearTimeout(timer);
      for (const w of waiters.splice(0)) w.reject(new Error('the key pool is closed'));
      for (const f of fillWaiters.splice(0)) f.resolve();
      ready.length = 0;
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}

/** EC P-256 keys take well under a millisecond: made on demand, never pooled or reused. */
export function generateEcKey(): Promise<KeyObject> {
  return new Promise((resolve, reject) =>
    generateKeyPair('ec', { namedCurve: 'P-256' }, (err, _pub, priv) => (err ? reject(err) : resolve(priv))),
  );
}

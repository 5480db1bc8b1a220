// `npm run web`: browser mode — the same renderer and the same services, over a loopback
// bridge with a per-launch token. Prints the URL to open.
import path from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { startBridge, type Bridge } from './server';
import { createServices, createDispatcher } from '../services';

function findRendererDir(): string {
  if (process.env.OSG_ONBOARD_RENDERER_DIR) return path.resolve(process.env.OSG_ONBOARD_RENDERER_DIR);
  // From source (electron/bridge) or from the bundle (out/bridge): both find out/renderer.
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    const candidate = path.join(dir, 'out', 'renderer');
    if (existsSync(path.join(candidate, 'index.html'))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error('The window files are not built yet: run `npm run build` first.');
}

export async function serve(): Promise<Bridge> {
  let bridge: Bridge | undefined;
  const services = createServices({ shell: 'browser', emit: (e, p) => bridge?.emit(e, p) });
  const port = process.env.OSG_ONBOARD_PORT ? Number(process.env.OSG_ONBOARD_PORT) : 0;
  bridge = await startBridge({
    dispatch: createDispatcher(services.handlers, (e) => console.error('[services]', e)),
    rendererDir: findRendererDir(),
    port,
    log: (line) => console.error(line),
  });
  const stop = async () => {
    await bridge?.close();
    await services.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`OSG Onboard (browser mode, ${services.context.environment}) — open this address in your browser:`);
  console.log(`  ${bridge.openUrl}`);
  console.log(`Data folder: ${services.context.dataDir}. Press Ctrl+C to stop.`);
  return bridge;
}

const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (entry === fileURLToPath(import.meta.url) || entry.endsWith(path.join('out', 'bridge', 'index.mjs'))) {
  serve().catch((e) => {
    console.error(`osg-onboard: could not start browser mode: ${(e as Error).message}`);
    process.exit(1);
  });
}

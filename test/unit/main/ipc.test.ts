import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { APP_ORIGIN, SenderTrust, registerIpc, type IpcMainLike, type InvokeEventLike } from '../../../electron/main/ipc';
import { createDispatcher, createServices } from '../../../electron/services';
import { IPC_PREFIX, PROCEDURE_NAMES } from '../../../shared/contract';
import { isAllowedExternal, isAllowedNavigation } from '../../../electron/main/security';

/** A stand-in for Electron's ipcMain with the same handle/removeHandler semantics. */
class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown) {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string) {
    this.handlers.delete(channel);
  }
  invoke(channel: string, event: InvokeEventLike, ...args: unknown[]) {
    const h = this.handlers.get(channel);
    if (!h) throw new Error(`No handler registered for '${channel}'`);
    return h(event, ...args);
  }
}

function setup() {
  const services = createServices({ shell: 'electron', dataDir: mkdtempSync(path.join(os.tmpdir(), 'osg-ipc-')) });
  const ipc = new FakeIpcMain();
  const trust = new SenderTrust();
  trust.add(7);
  const refused: string[] = [];
  const unregister = registerIpc(ipc, createDispatcher(services.handlers), trust, (l) => refused.push(l));
  return { ipc, trust, refused, unregister };
}

const ours = { sender: { id: 7 }, senderFrame: { url: `${APP_ORIGIN}/index.html` } };

describe('IPC made from the contract', () => {
  it('registers exactly one channel per procedure, and removes them all', () => {
    const { ipc, unregister } = setup();
    expect([...ipc.handlers.keys()].sort()).toEqual(PROCEDURE_NAMES.map((n) => IPC_PREFIX + n).sort());
    unregister();
    expect(ipc.handlers.size).toBe(0);
  });

  it('answers our own window', async () => {
    const { ipc } = setup();
    const r = (await ipc.invoke(`${IPC_PREFIX}voList`, ours, {})) as { ok: boolean; value: { name: string }[] };
    expect(r.ok).toBe(true);
    expect(r.value[0].name).toBe('sandbox');
  });

  it.each([
    ['another webContents', { sender: { id: 8 }, senderFrame: { url: `${APP_ORIGIN}/index.html` } }],
    ['our window navigated to a foreign page', { sender: { id: 7 }, senderFrame: { url: 'https://evil.example/' } }],
    ['a frame with no URL', { sender: { id: 7 }, senderFrame: null }],
    ['a file:// page', { sender: { id: 7 }, senderFrame: { url: 'file:///tmp/x.html' } }],
  ])('refuses %s with UNAUTHORIZED, reaching no service', async (_label, event) => {
    const { ipc, refused } = setup();
    const r = (await ipc.invoke(`${IPC_PREFIX}voChoose`, event as InvokeEventLike, { name: 'sandbox' })) as { ok: boolean; error: { code: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(refused).toHaveLength(1);
  });

  it('a window removed from the trust is refused afterwards', async () => {
    const { ipc, trust } = setup();
    trust.remove(7);
    const r = (await ipc.invoke(`${IPC_PREFIX}appInfo`, ours, {})) as { ok: boolean };
    expect(r.ok).toBe(false);
  });

  it('validates input from a trusted window too', async () => {
    const { ipc } = setup();
    const r = (await ipc.invoke(`${IPC_PREFIX}voChoose`, ours, { name: '../../etc/passwd' })) as { ok: boolean; error: { code: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });
});

describe('window security rules', () => {
  it('navigation stays on app://bundle', () => {
    expect(isAllowedNavigation('app://bundle/index.html')).toBe(true);
    expect(isAllowedNavigation('https://example.org/')).toBe(false);
    expect(isAllowedNavigation('app://other/index.html')).toBe(false);
    expect(isAllowedNavigation('not a url')).toBe(false);
  });
  it('only https links without credentials open outside', () => {
    expect(isAllowedExternal('https://voms.example.org:8443/voms/osg')).toBe(true);
    expect(isAllowedExternal('http://example.org')).toBe(false);
    expect(isAllowedExternal('file:///etc/passwd')).toBe(false);
    expect(isAllowedExternal('https://user:pw@example.org')).toBe(false);
    expect(isAllowedExternal('javascript:alert(1)')).toBe(false);
  });
});

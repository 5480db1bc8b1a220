// Preload (sandboxed): exposes exactly the contract's procedures and `on` as window.onboard.
// No ipcRenderer, no Node, no generic channel forwarding.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_PREFIX, type Envelope } from '../../shared/contract';
import { buildRawApi } from '../../shared/contract/client';

const api = buildRawApi(
  (name, input) => ipcRenderer.invoke(IPC_PREFIX + name, input) as Promise<Envelope<unknown>>,
  (event, listener) => {
    // One wrapper per subscription, removed by the returned function (not a new closure).
    const wrapper = (_e: IpcRendererEvent, msg: { event: string; payload: unknown }) => {
      if (msg && msg.event === event) listener(msg.payload);
    };
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapper);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapper);
    };
  },
);

contextBridge.exposeInMainWorld('onboard', api);

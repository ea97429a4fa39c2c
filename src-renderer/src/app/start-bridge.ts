import {
  selectTransport,
  browserTransportEnv,
  type TransportEnv,
} from '../bridge/select-transport.js';
import { WsBridge } from '../bridge/ws-bridge.js';
import { useConnectionStore } from '../stores/connection-store.js';
import { wireStores } from '../stores/wire-stores.js';

/** Picks the transport (Electron preload or WebSocket), connects it and wires the stores. */
export function startBridge(env: TransportEnv = browserTransportEnv()): void {
  const transport = selectTransport(env);
  if (transport.kind === 'preload') {
    wireStores(transport.bridge, null);
    return;
  }
  if (!transport.token) {
    useConnectionStore.setState({
      status: {
        kind: 'unauthorized',
        reason:
          'This page needs the dashboard link printed by the node: it carries an access token after "#token=". ' +
          'Copy the whole link from the node’s output (or its log) and open it again.',
      },
    });
    return;
  }
  const ws = new WsBridge({ url: transport.url, token: transport.token });
  wireStores(ws, ws);
  ws.connect();
}

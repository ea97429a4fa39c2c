import { create } from 'zustand';
import type { ConnectionStatus } from '../bridge/connection-status.js';

interface ConnectionState {
  status: ConnectionStatus;
  /** Set once a snapshot arrived: until then pages show a loading state. */
  loaded: boolean;
  host: 'desktop' | 'headless' | null;
  appVersion: string | null;
  /** The last snapshot fetch failed: shown in place of the page. */
  snapshotError: Error | null;
}

export const initialConnection: ConnectionState = {
  status: { kind: 'connecting' },
  loaded: false,
  host: null,
  appVersion: null,
  snapshotError: null,
};

export const useConnectionStore = create<ConnectionState>()(() => ({ ...initialConnection }));

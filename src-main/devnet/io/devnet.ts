import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { SignedSnapshot } from '../../core/protocol/schemas/snapshot.js';
import { addAdminRoutes } from './admin-api.js';
import type { SubmitJobsInput } from './admin-schemas.js';
import type { HistoryEntry, PublishInput } from './config-history.js';
import { DevnetCore, type ChangeSink, type Restored } from './core.js';
import { defaultSnapshot, DEVNET_MODEL } from './default-snapshot.js';
import type { FaultState, FaultsInput } from './faults.js';
import { createIoServer } from './http-server.js';
import { addHubRoutes, devnetModelFileList } from './model-hub.js';
import { loadOrCreateNetworkKey, networkKeyFrom } from './network-key.js';
import { addNodeRoutes } from './node-api.js';
import { resolveOptions, type DevnetOptions } from './options.js';
import { openStateStore, type StateStore } from './state-store.js';
import { Router } from './router.js';
import { SessionServer } from './session-server.js';
import { statsView, type StatsQuery } from './views.js';

export interface Devnet {
  /** http://host:port — the node's network endpoint. */
  readonly url: string;
  /** ws://host:port/v1/ws */
  readonly wsUrl: string;
  readonly adminToken: string;
  /** Address of the key that signs snapshots: nodes pin it. */
  readonly signerAddress: string;
  readonly core: DevnetCore;
  stats(q?: Partial<StatsQuery>): Record<string, unknown>;
  publishSnapshot(input: PublishInput): HistoryEntry;
  submitJobs(input: SubmitJobsInput | number): string[];
  setFaults(input: FaultsInput): FaultState;
  clearFaults(): FaultState;
  close(): Promise<void>;
}

/** Starts the reference IO service (HTTP + WebSocket on one port). */
export async function startDevnet(options: DevnetOptions = {}): Promise<Devnet> {
  const opts = resolveOptions(options);
  const key = opts.networkPrivateKey
    ? networkKeyFrom(opts.networkPrivateKey)
    : opts.stateDir
      ? await loadOrCreateNetworkKey(join(opts.stateDir, 'network-key'))
      : networkKeyFrom();
  const store: StateStore | null = opts.stateDir
    ? openStateStore(opts.stateDir, opts.logger)
    : null;
  const restored: Restored = store?.load() ?? { nodes: [], snapshots: [], jobs: [], counters: {} };
  const sink: ChangeSink = store ?? { node() {}, snapshot() {}, job() {}, commit: () => true };
  const initial = opts.initialSnapshot ?? defaultSnapshot(opts.network, {}, opts.clock.now());
  const core = new DevnetCore(opts, key, initial, restored, sink);
  store?.attach(core);
  listHubFiles(core);

  const adminToken = opts.adminToken ?? randomBytes(24).toString('base64url');
  const router = new Router();
  addNodeRoutes(router, {
    network: opts.network,
    registry: core.registry,
    owners: core.owners,
    config: core.config,
    gate: core.gate,
    faults: core.faults,
    dispatcher: core.dispatcher,
    logs: core.logs,
    ledger: core.ledger,
    logger: opts.logger,
    heartbeatSeen: (node) => core.observeAvailability(node),
  });
  addAdminRoutes(router, core);
  addHubRoutes(router, { repo: DEVNET_MODEL.name, faults: core.faults, clock: opts.clock });
  const sessions = new SessionServer({ ...core, opts });
  core.sessions = sessions;
  const server = createIoServer({
    router,
    sessions,
    faults: core.faults,
    adminToken,
    serverTime: () => core.gate.serverTime(),
    logger: opts.logger,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const hostPart = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${hostPart}:${port}`;
  let closed: Promise<void> | null = null;

  return {
    url,
    wsUrl: `ws://${hostPart}:${port}/v1/ws`,
    adminToken,
    signerAddress: key.address,
    core,
    stats: (q = {}) => statsView(core, { timings: q.timings ?? false, limit: q.limit ?? 10_000 }),
    publishSnapshot: (input) => core.publishSnapshot(input),
    submitJobs: (input) => core.submitJobs(typeof input === 'number' ? { count: input } : input),
    setFaults: (input) => core.setFaults(input),
    clearFaults: () => core.clearFaults(),
    close: () =>
      (closed ??= (async () => {
        core.close();
        sessions.close();
        server.destroyHeld();
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
        store?.close();
      })()),
  };
}

export type { SignedSnapshot };

/**
 * State saved by a devnet from before its model hub lists its model without files, which a
 * node cannot check: publish the same snapshot with the hub's files listed.
 */
function listHubFiles(core: DevnetCore): void {
  const { models } = core.history.current.snapshot;
  if (!models.some((m) => m.name === DEVNET_MODEL.name && m.files.length === 0)) return;
  core.publishSnapshot({
    merge: {
      models: models.map((m) =>
        m.name === DEVNET_MODEL.name && m.files.length === 0
          ? { ...m, files: devnetModelFileList(m.name, m.revision) }
          : m,
      ),
    },
  });
}

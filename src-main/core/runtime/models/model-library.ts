import { rm } from 'node:fs/promises';
import type { Event } from '../../base/event.js';
import type { Clock, TimerHandle } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import type { TransferProgress } from '../docker/transfer-progress.js';
import type { DiskUsage } from './model-disk.js';
import { unapprovedFolders } from './model-files.js';
import type { ModelState, ModelStore } from './model-store.js';

/** A day: a model the network stops approving stays that long, in case it comes back. */
export const DEFAULT_PRUNE_GRACE_MS = 24 * 60 * 60 * 1000;

export interface ModelLibraryOptions {
  store: ModelStore;
  /** The hub folder the store writes (HF_HOME), for finding models no longer approved. */
  hfHome: string;
  /** The models the applied configuration approves, read at each call. */
  approved: () => readonly ApprovedModel[];
  clock: Clock;
  logger: Logger;
  onProgress?: (p: TransferProgress) => void;
  /** How long a folder no longer approved stays on disk before it is removed. */
  pruneGraceMs?: number;
}

/**
 * Every approved model on disk, checked: the one to serve is installed first (the runtime waits
 * for it), the others after it in the background; folders the configuration stopped approving
 * are removed once they have been unapproved for the grace period.
 */
export class ModelLibrary {
  readonly onChange: Event<void>;
  #installed = new Map<string, { name: string; revision: string }>();
  #background: AbortController | null = null;
  #staleSince = new Map<string, number>();
  #pruneTimer: TimerHandle | null = null;

  constructor(private readonly o: ModelLibraryOptions) {
    this.onChange = o.store.onChange;
  }

  /** Installs and verifies `model` (throws a ModelError), then the rest of the approved list. */
  async prepare(model: ApprovedModel, signal?: AbortSignal): Promise<void> {
    this.#background?.abort();
    await this.o.store.install(model, {
      ...(signal ? { signal } : {}),
      ...(this.o.onProgress ? { onProgress: this.o.onProgress } : {}),
    });
    this.#installed.set(key(model), { name: model.name, revision: model.revision });
    void this.#installRest(model);
  }

  /** States for the Models page; `active` = the served names the runtime serves now. */
  states(active: readonly string[]): Promise<ModelState[]> {
    return this.o.store.list(this.o.approved(), active);
  }

  /** Approved models whose every file this node verified (for heartbeats). */
  installed(): { name: string; revision: string }[] {
    const approved = new Set(this.o.approved().map(key));
    return [...this.#installed.entries()].filter(([k]) => approved.has(k)).map(([, v]) => v);
  }

  usage(): Promise<DiskUsage> {
    return this.o.store.usage();
  }

  close(): void {
    this.#background?.abort();
    this.#background = null;
    if (this.#pruneTimer !== null) this.o.clock.clearTimeout(this.#pruneTimer);
    this.#pruneTimer = null;
  }

  async #installRest(first: ApprovedModel): Promise<void> {
    const controller = new AbortController();
    this.#background = controller;
    for (const m of this.o.approved()) {
      if (controller.signal.aborted) return;
      if (key(m) === key(first)) continue;
      try {
        await this.o.store.install(m, {
          signal: controller.signal,
          ...(this.o.onProgress ? { onProgress: this.o.onProgress } : {}),
        });
        this.#installed.set(key(m), { name: m.name, revision: m.revision });
      } catch (err) {
        if (!controller.signal.aborted)
          this.o.logger.warn(`Model ${m.name} is not installed: ${(err as Error).message}`);
      }
    }
    if (!controller.signal.aborted) await this.prune();
  }

  /**
   * Removes folders the configuration has not approved for the grace period; remembers when
   * each one was first seen unapproved and looks again when the earliest one is due.
   */
  async prune(): Promise<string[]> {
    const now = this.o.clock.now();
    const grace = this.o.pruneGraceMs ?? DEFAULT_PRUNE_GRACE_MS;
    const stale = await unapprovedFolders(this.o.hfHome, this.o.approved());
    const removed: string[] = [];
    const seen = new Map<string, number>();
    for (const dir of stale) {
      const since = this.#staleSince.get(dir) ?? now;
      if (now - since >= grace) {
        await rm(dir, { recursive: true, force: true });
        removed.push(dir);
      } else seen.set(dir, since);
    }
    this.#staleSince = seen;
    if (removed.length)
      this.o.logger.info(
        `Removed ${removed.length} model folder(s) the network no longer approves: ${removed.join(', ')}`,
      );
    if (this.#pruneTimer !== null) this.o.clock.clearTimeout(this.#pruneTimer);
    this.#pruneTimer = null;
    if (seen.size) {
      const due = Math.min(...seen.values()) + grace - now;
      this.#pruneTimer = this.o.clock.setTimeout(() => void this.prune(), Math.max(1000, due));
      (this.#pruneTimer as { unref?: () => void }).unref?.();
    }
    return removed;
  }
}

const key = (m: { name: string; revision: string }) => `${m.name}@${m.revision}`;

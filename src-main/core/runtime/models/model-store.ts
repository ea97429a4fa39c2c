import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { Emitter, warnListenerErrors, type Event } from '../../base/event.js';
import { sleep, type Clock } from '../../clock.js';
import type { Logger } from '../../logger.js';
import type { ApprovedModel } from '../../protocol/schemas/snapshot.js';
import { readJsonFile, writeFileAtomic } from '../../store/atomic-file.js';
import type { TransferProgress } from '../docker/transfer-progress.js';
import { sha256File } from './file-hash.js';
import { isCommitHash, refFile, snapshotDir, snapshotFile } from './hf-layout.js';
import { ModelError } from './model-errors.js';
import { downloadResumable, HttpStatusError, OversizeError } from './resumable-download.js';
import { ModelProgress } from './model-progress.js';
import { fileSize, unapprovedFolders } from './model-files.js';
import {
  checkDiskRoom,
  diskUsage,
  nodeDiskSpace,
  type DiskSpaceFn,
  type DiskUsage,
} from './model-disk.js';
import { filesDigest } from './files-digest.js';

export type Verification =
  'not_installed' | 'downloading' | 'verifying' | 'verified' | 'mismatch' | 'no_disk';

export interface ModelState {
  name: string;
  servedName: string;
  revision: string;
  installed: boolean;
  /** Served by the runtime right now (from the runtime's status). */
  active: boolean;
  verification: Verification;
  sizeBytes: number;
  /** `sha256:` digest of the file list (path, SHA-256, size) every file was checked against. */
  digest: string;
  detail?: string;
}

export interface ModelStoreOptions {
  /** The folder mounted as HF_HOME in the runtime container. */
  hfHome: string;
  /** Where files that failed their hash are moved. */
  quarantineDir: string;
  /**
   * A file's own `url` when the configuration gives one (a path is resolved against
   * `networkUrl`), otherwise `${baseUrl}/${repo}/resolve/${revision}/${path}` (Hugging Face's layout).
   */
  downloader: { baseUrl: string; networkUrl?: string; fetch?: typeof fetch };
  clock: Clock;
  logger: Logger;
  /** Most bytes all installed models may take; null = what leaves 10 % of the disk free. */
  diskBudgetBytes?: number | null;
  diskSpace?: DiskSpaceFn;
  /** Download attempts per file (interrupted transfers resume). */
  attempts?: number;
  /** Downloads of a file whose SHA-256 differs before the model is reported `mismatch`. */
  hashAttempts?: number;
  retryBaseMs?: number;
  progressIntervalMs?: number;
}

const MARKER = '.resultity-verified.json';
const Marker = z.object({
  revision: z.string(),
  files: z.array(z.object({ path: z.string(), sha256: z.string(), size: z.number() })),
  verifiedAt: z.number(),
});

/**
 * Approved models on disk, in the Hugging Face cache layout vLLM reads. A model counts as
 * installed only after the SHA-256 of EVERY file matched the config; a mismatching file is
 * moved to quarantine. Downloads resume from `.partial` files with HTTP Range.
 */
export class ModelStore {
  readonly #o: Required<Omit<ModelStoreOptions, 'diskBudgetBytes'>> & {
    diskBudgetBytes: number | null;
  };
  readonly #state = new Map<string, { verification: Verification; detail?: string }>();
  readonly #changed: Emitter<void>;
  /** Fires when a model's verification state changes (downloading, verifying, verified…). */
  readonly onChange: Event<void>;

  constructor(opts: ModelStoreOptions) {
    this.#changed = new Emitter({ onListenerError: warnListenerErrors(opts.logger, 'models') });
    this.onChange = this.#changed.event;
    this.#o = {
      diskBudgetBytes: null,
      diskSpace: nodeDiskSpace,
      attempts: 4,
      hashAttempts: 3,
      retryBaseMs: 2000,
      progressIntervalMs: 250,
      ...opts,
    };
  }

  /** True when the marker written after a full verification matches the config's file list. */
  async isInstalled(model: ApprovedModel): Promise<boolean> {
    const marker = await this.#marker(model);
    if (!marker || marker.revision !== model.revision) return false;
    const want = new Map(model.files.map((f) => [f.path, f.sha256]));
    return (
      marker.files.length === want.size && marker.files.every((f) => want.get(f.path) === f.sha256)
    );
  }

  /** Installed and active models, for heartbeats and the UI; `active` = served names running now. */
  async list(
    approved: readonly ApprovedModel[],
    active: readonly string[] = [],
  ): Promise<ModelState[]> {
    return Promise.all(
      approved.map(async (m) => {
        // The state as it is now, not after the disk read: a short one (verifying) is seen too.
        const s = this.#state.get(m.served_name);
        const installed = await this.isInstalled(m);
        return {
          name: m.name,
          servedName: m.served_name,
          revision: m.revision,
          installed,
          active: active.includes(m.served_name),
          verification: s?.verification ?? (installed ? 'verified' : 'not_installed'),
          sizeBytes: m.files.reduce((a, f) => a + f.size, 0),
          digest: filesDigest(m.files),
          ...(s?.detail ? { detail: s.detail } : {}),
        };
      }),
    );
  }

  /** What the models take on disk and may take (the operator's budget or the 10 %-free default). */
  usage(): Promise<DiskUsage> {
    return diskUsage(this.#o.hfHome, this.#o.diskBudgetBytes, this.#o.diskSpace);
  }

  /**
   * Downloads what is missing, then verifies every file; a file that fails its hash is
   * downloaded again, up to `hashAttempts` times, before the model is reported `mismatch`.
   */
  async install(
    model: ApprovedModel,
    opts: { signal?: AbortSignal; onProgress?: (p: TransferProgress) => void } = {},
  ): Promise<void> {
    if (model.files.length === 0) {
      const detail = `The network's configuration lists no files for ${model.name}, so the node cannot check its weights.`;
      this.#set(model, 'not_installed', detail);
      throw new ModelError('download_failed', detail, 'Wait for a corrected configuration.');
    }
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#installOnce(model, opts);
      } catch (err) {
        if (!(err instanceof ModelError) || err.code !== 'mismatch') throw err;
        if (attempt >= this.#o.hashAttempts) throw this.#gaveUp(model, err);
        this.#o.logger.warn(
          `Downloading ${err.files.join(', ')} of ${model.name} again (SHA-256 check ${attempt} of ${this.#o.hashAttempts} failed)`,
        );
      }
    }
  }

  #gaveUp(model: ApprovedModel, err: ModelError): ModelError {
    const detail = `${err.files.join(', ')} of ${model.name}@${model.revision} failed its SHA-256 check ${this.#o.hashAttempts} times: the download source serves other content than the network approved.`;
    this.#set(model, 'mismatch', detail);
    this.#o.logger.error(detail);
    return new ModelError(
      'mismatch',
      detail,
      'The node tries again when the configuration changes or at the next Start; if it persists, report it to the network.',
      err.files,
    );
  }

  async #installOnce(
    model: ApprovedModel,
    opts: { signal?: AbortSignal; onProgress?: (p: TransferProgress) => void },
  ): Promise<void> {
    if (await this.isInstalled(model)) return;
    const files = model.files.map((f) => ({
      ...f,
      target: snapshotFile(this.#o.hfHome, model.name, model.revision, f.path),
    }));
    const total = files.reduce((a, f) => a + f.size, 0);
    let done = 0;
    for (const f of files)
      done += Math.min(
        f.size,
        (await fileSize(f.target)) || (await fileSize(`${f.target}.partial`)),
      );
    try {
      await checkDiskRoom(
        model,
        total - done,
        this.#o.hfHome,
        this.#o.diskBudgetBytes,
        this.#o.diskSpace,
      );
    } catch (err) {
      const e = err as ModelError;
      this.#set(model, 'no_disk', `${e.detail} ${e.fix}`);
      throw err;
    }

    const progress = new ModelProgress(
      model,
      total,
      this.#o.clock,
      this.#o.progressIntervalMs,
      opts.onProgress,
    );
    progress.init(done);
    this.#set(model, 'downloading');
    try {
      for (const f of files) {
        if ((await fileSize(f.target)) === f.size) continue;
        await this.#withRetries(model, f.path, opts.signal, () =>
          downloadResumable({
            url: this.#url(model, f),
            target: f.target,
            fetch: this.#o.downloader.fetch ?? fetch,
            signal: opts.signal,
            expectedSize: f.size,
            onBytes: (n) => progress.add(n),
          }),
        );
      }
      progress.emit('running', true);
      await this.verify(model, opts.signal);
      progress.emit('done', true);
    } catch (err) {
      const e = err instanceof ModelError ? err : this.#downloadError(model, err, opts.signal);
      if (e.code !== 'mismatch') this.#set(model, 'not_installed', e.detail);
      progress.emit('failed', true, e.detail);
      throw e;
    }
  }

  /**
   * Hashes every file against the config. All match: writes the installed marker. Any differ:
   * those files go to quarantine and a ModelError('mismatch') lists them.
   */
  async verify(model: ApprovedModel, signal?: AbortSignal): Promise<void> {
    this.#set(model, 'verifying');
    await rm(path.join(snapshotDir(this.#o.hfHome, model.name, model.revision), MARKER), {
      force: true,
    });
    const bad: string[] = [];
    for (const f of model.files) {
      const target = snapshotFile(this.#o.hfHome, model.name, model.revision, f.path);
      const actual = await sha256File(target, signal).catch(() => null);
      if (actual === f.sha256) continue;
      bad.push(f.path);
      if (actual !== null) await this.#quarantine(model, f.path, target);
    }
    if (bad.length) {
      const detail = `${bad.length} file(s) of ${model.name}@${model.revision} failed their SHA-256 check and were moved to quarantine: ${bad.join(', ')}.`;
      this.#set(model, 'mismatch', detail);
      this.#o.logger.error(detail);
      throw new ModelError(
        'mismatch',
        detail,
        'They will be downloaded again on the next attempt; if it keeps happening, the download source serves other content than the network approved.',
        bad,
      );
    }
    const dir = snapshotDir(this.#o.hfHome, model.name, model.revision);
    if (!isCommitHash(model.revision)) {
      const ref = refFile(this.#o.hfHome, model.name, model.revision);
      await mkdir(path.dirname(ref), { recursive: true });
      await writeFile(ref, model.revision);
    }
    const marker = {
      revision: model.revision,
      files: model.files.map(({ path: p, sha256, size }) => ({ path: p, sha256, size })),
      verifiedAt: this.#o.clock.now(),
    };
    await writeFileAtomic(path.join(dir, MARKER), JSON.stringify(marker), { mode: 0o644 });
    this.#set(model, 'verified');
    this.#o.logger.info(
      `Model ${model.name}@${model.revision} verified (${model.files.length} files)`,
    );
  }

  /**
   * Models (or revisions) on disk that the config no longer approves. Removed only when the
   * operator allows it; otherwise just listed.
   */
  async prune(
    approved: readonly ApprovedModel[],
    allowRemoval: boolean,
  ): Promise<{ stale: string[]; removed: boolean }> {
    const stale = await unapprovedFolders(this.#o.hfHome, approved);
    if (allowRemoval) {
      for (const p of stale) await rm(p, { recursive: true, force: true });
      if (stale.length)
        this.#o.logger.info(`Removed ${stale.length} model folder(s) no longer approved`);
    }
    return { stale, removed: allowRemoval };
  }

  #url(model: ApprovedModel, file: ApprovedModel['files'][number]): string {
    if (file.url) return new URL(file.url, this.#o.downloader.networkUrl).href;
    const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
    return `${this.#o.downloader.baseUrl.replace(/\/+$/, '')}/${enc(model.name)}/resolve/${encodeURIComponent(model.revision)}/${enc(file.path)}`;
  }

  async #withRetries(
    model: ApprovedModel,
    file: string,
    signal: AbortSignal | undefined,
    fn: () => Promise<void>,
  ) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        // A server that sends more than the configuration says would only do it again.
        const permanent =
          err instanceof OversizeError ||
          (err instanceof HttpStatusError &&
            err.status >= 400 &&
            err.status < 500 &&
            err.status !== 429);
        if (signal?.aborted || permanent || attempt >= this.#o.attempts) throw err;
        const wait = this.#o.retryBaseMs * 2 ** (attempt - 1);
        this.#o.logger.warn(
          `Download of ${model.name}/${file} interrupted (${String(err)}); resuming in ${Math.round(wait / 1000)} s`,
        );
        await sleep(this.#o.clock, wait, signal);
      }
    }
  }

  async #quarantine(model: ApprovedModel, file: string, target: string): Promise<void> {
    const dest = path.join(
      this.#o.quarantineDir,
      `${model.served_name}@${model.revision}`,
      `${file.split(/[\\/]/).join('__')}.${this.#o.clock.now()}`,
    );
    await mkdir(path.dirname(dest), { recursive: true });
    await rename(target, dest).catch(() => rm(target, { force: true }));
  }

  #downloadError(model: ApprovedModel, err: unknown, signal?: AbortSignal): ModelError {
    if (signal?.aborted)
      return new ModelError(
        'cancelled',
        `The download of ${model.name} was cancelled.`,
        'It resumes where it stopped next time.',
      );
    return new ModelError(
      'download_failed',
      `The download of ${model.name} failed: ${err instanceof Error ? err.message : String(err)}.`,
      'Check the internet connection; the download resumes where it stopped on the next attempt.',
    );
  }

  async #marker(model: ApprovedModel) {
    const file = path.join(snapshotDir(this.#o.hfHome, model.name, model.revision), MARKER);
    return readJsonFile(file, Marker).catch(() => null);
  }

  #set(model: ApprovedModel, verification: Verification, detail?: string): void {
    this.#state.set(model.served_name, { verification, ...(detail ? { detail } : {}) });
    this.#changed.fire();
  }
}

import type { ModelDiskDto, ModelDto } from '../contract/index.js';
import { Emitter, type EmitterOptions, type Event } from '../core/base/event.js';
import type { ApprovedModel } from '../core/protocol/schemas/snapshot.js';
import type { Runtime } from '../core/runtime/runtime.js';

/** What the Models page reads of one run. */
export interface ModelSource {
  approved: () => readonly ApprovedModel[] | null;
  runtime: Pick<Runtime, 'status' | 'models'>;
}

/**
 * The Models page's rows and disk line. With the node's model store they are its states (so
 * "verified" only ever follows a SHA-256 check of every file); a runtime the node does not
 * manage gets `unchecked`. Each read starts at once (the store's states are taken as they are
 * at that moment) and the results are pushed in the order the reads started, so a short state
 * (verifying) still reaches the page and an older read never overwrites a newer one.
 */
export class ModelView {
  readonly onModels: Event<ModelDto[]>;
  readonly onDisk: Event<ModelDiskDto | null>;
  readonly #modelsChanged: Emitter<ModelDto[]>;
  readonly #diskChanged: Emitter<ModelDiskDto | null>;
  #models: ModelDto[] = [];
  #disk: ModelDiskDto | null = null;
  #queue: Promise<void> = Promise.resolve();

  constructor(options: EmitterOptions) {
    this.#modelsChanged = new Emitter(options);
    this.#diskChanged = new Emitter(options);
    this.onModels = this.#modelsChanged.event;
    this.onDisk = this.#diskChanged.event;
  }

  models(): ModelDto[] {
    return this.#models;
  }

  disk(): ModelDiskDto | null {
    return this.#disk;
  }

  /** Reads the run's models again (none: empty) and pushes what changed. */
  refresh(source: ModelSource | null): Promise<void> {
    const reading = source ? read(source) : Promise.resolve<Read>([[], null]);
    const next = this.#queue.then(async () => this.#push(await reading));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  #push([models, disk]: Read): void {
    if (JSON.stringify(models) !== JSON.stringify(this.#models)) {
      this.#models = models;
      this.#modelsChanged.fire(models);
    }
    if (JSON.stringify(disk) !== JSON.stringify(this.#disk)) {
      this.#disk = disk;
      this.#diskChanged.fire(disk);
    }
  }
}

type Read = [ModelDto[], ModelDiskDto | null];

async function read(source: ModelSource): Promise<Read> {
  const approved = source.approved();
  if (!approved) return [[], null];
  const served = source.runtime.status().servedModels;
  const inventory = source.runtime.models;
  if (!inventory) {
    return [
      approved.map((m) => ({
        name: m.name,
        servedName: m.served_name,
        revision: m.revision,
        approved: true,
        installed: false,
        active: served.includes(m.served_name),
        verification: 'unchecked',
        sizeBytes: m.files.reduce((sum, f) => sum + f.size, 0),
      })),
      null,
    ];
  }
  const [states, disk] = await Promise.all([
    inventory.states(served),
    inventory.usage().catch(() => null),
  ]);
  const models = states.map((s): ModelDto => ({
    name: s.name,
    servedName: s.servedName,
    revision: s.revision,
    approved: true,
    installed: s.installed,
    active: s.active,
    verification: s.verification,
    sizeBytes: s.sizeBytes,
    ...(s.verification === 'verified' ? { digest: s.digest } : {}),
    ...(s.detail ? { detail: s.detail } : {}),
  }));
  return [models, disk];
}

import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import type { DockerClients } from '../../../src-main/core/runtime/docker/docker-clients.js';

/** Docker's multiplexed log frame. */
export function logFrame(text: string, stream: 1 | 2 = 2): Buffer {
  const payload = Buffer.from(text);
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(payload.length, 4);
  return Buffer.concat([head, payload]);
}

export class FakeContainer {
  running = false;
  exitCode = 0;
  oom = false;
  removed = false;
  starts = 0;
  logStream: PassThrough | null = null;
  constructor(
    readonly id: string,
    readonly opts: Docker.ContainerCreateOptions,
    private readonly engine: FakeEngine,
  ) {}
  get port(): number {
    return Number(this.opts.HostConfig?.PortBindings?.['8000/tcp']?.[0]?.HostPort);
  }
  async start() {
    const failure = this.engine.startFailure?.(this);
    if (failure) throw failure;
    this.running = true;
    this.starts++;
  }
  async stop() {
    if (!this.running) throw Object.assign(new Error('not modified'), { statusCode: 304 });
    this.running = false;
    this.engine.emit('die', this.id, 143);
  }
  async kill() {
    this.running = false;
  }
  async remove() {
    this.removed = true;
    this.running = false;
    this.engine.containers.delete(this.id);
  }
  async inspect() {
    if (this.removed) throw Object.assign(new Error('No such container'), { statusCode: 404 });
    return {
      Id: this.id,
      State: { Running: this.running, ExitCode: this.exitCode, OOMKilled: this.oom },
    };
  }
  async logs() {
    this.logStream = new PassThrough();
    return this.logStream;
  }
  /** The process inside dies on its own. */
  crash(code = 1, oom = false, withEvent = true) {
    this.running = false;
    this.exitCode = code;
    this.oom = oom;
    if (!withEvent) return; // the engine's event comes late (or never)
    if (oom) this.engine.emit('oom', this.id, null);
    this.engine.emit('die', this.id, code);
  }
}

/** Just enough of the Docker API for the supervisor: containers, labels, events. */
export class FakeEngine {
  containers = new Map<string, FakeContainer>();
  created: FakeContainer[] = [];
  events: PassThrough[] = [];
  startFailure: ((c: FakeContainer) => Error | null) | null = null;
  #seq = 0;

  clients(): DockerClients {
    const api = {
      listContainers: async ({ filters }: { filters: { label: string[] } }) =>
        [...this.containers.values()]
          .filter((c) =>
            filters.label.every((l) => {
              const [k, v] = l.split('=');
              return c.opts.Labels?.[k!] === v;
            }),
          )
          .map((c) => ({ Id: c.id })),
      getContainer: (id: string) => this.containers.get(id) ?? { remove: async () => undefined },
      createContainer: async (opts: Docker.ContainerCreateOptions) => {
        const c = new FakeContainer(`c${++this.#seq}`, opts, this);
        this.containers.set(c.id, c);
        this.created.push(c);
        return c;
      },
      getEvents: (_opts: unknown, cb: (e: unknown, s: PassThrough) => void) => {
        const s = new PassThrough();
        this.events.push(s);
        cb(null, s);
      },
    };
    return {
      api,
      stream: api,
      endpoint: { kind: 'socket', path: '/x', source: 't' },
    } as unknown as DockerClients;
  }

  emit(action: string, id: string, exitCode: number | null): void {
    const line = JSON.stringify({
      status: action,
      id,
      Type: 'container',
      Action: action,
      Actor: { ID: id, Attributes: exitCode === null ? {} : { exitCode: String(exitCode) } },
    });
    for (const s of this.events) if (!s.destroyed) s.write(line + '\n');
  }

  /** A fetch answering /health per container port: 'ok' | 'loading' | 'down'. */
  health = new Map<number, 'ok' | 'loading' | 'down'>();
  fetch: typeof fetch = async (input) => {
    const port = Number(new URL(String(input)).port);
    const running = [...this.containers.values()].some((c) => c.port === port && c.running);
    const h = running ? (this.health.get(port) ?? 'loading') : 'refused';
    if (h === 'refused')
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    return new Response(h === 'ok' ? '' : 'x', {
      status: h === 'ok' ? 200 : h === 'loading' ? 503 : 500,
    });
  };
}

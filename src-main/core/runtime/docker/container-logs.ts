import type Docker from 'dockerode';
import type { Logger } from '../../logger.js';
import { LogLineSplitter } from './log-stream.js';

/** Level of a vLLM log line, from its own prefix ("INFO 10-02 …", "(APIServer pid=1) ERROR …"). */
export function vllmLineLevel(line: string): 'debug' | 'info' | 'warn' | 'error' {
  if (/\b(ERROR|CRITICAL)\b|Traceback \(most recent call last\)|^\w*Error:/.test(line))
    return 'error';
  if (/\bWARNING\b/.test(line)) return 'warn';
  if (/\bDEBUG\b/.test(line)) return 'debug';
  return 'info';
}

/**
 * Streams a container's output (demuxed) into the agent's logger, one entry per line, with
 * secrets masked: vLLM prints its non-default arguments at start, `api_key` included.
 */
export class ContainerLogFollower {
  #stream: (NodeJS.ReadableStream & { destroy?: () => void }) | null = null;
  #recent: string[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly secrets: () => string[],
    private readonly keep = 200,
  ) {}

  /** The last lines seen (masked), for explaining a crash. */
  recent(): string[] {
    return [...this.#recent];
  }

  async follow(container: Docker.Container, sinceSec: number): Promise<void> {
    this.stop();
    const stream = (await container.logs({
      follow: true,
      stdout: true,
      stderr: true,
      since: sinceSec,
    })) as unknown as NodeJS.ReadableStream & { destroy?: () => void };
    this.#stream = stream;
    const splitter = new LogLineSplitter((line) => this.#line(line));
    stream.on('data', (chunk: Buffer) => splitter.push(chunk));
    stream.on('end', () => splitter.flush());
    stream.on('error', () => splitter.flush());
  }

  stop(): void {
    this.#stream?.destroy?.();
    this.#stream = null;
  }

  #line(raw: string): void {
    if (!raw.trim()) return;
    let line = raw;
    for (const secret of this.secrets()) {
      if (secret) line = line.split(secret).join('***');
    }
    this.#recent.push(line);
    if (this.#recent.length > this.keep) this.#recent.shift();
    this.logger[vllmLineLevel(line)](line);
  }
}

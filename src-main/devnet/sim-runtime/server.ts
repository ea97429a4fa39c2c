import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleCompletion, type CompletionContext } from './completions.js';
import { SimEngine } from './engine.js';
import { FaultCommand, type FaultState } from './faults.js';
import { bearerMatches, readBody, sendEmpty, sendJson, sendText } from './http-util.js';
import { SimLifecycle, type Phase } from './lifecycle.js';
import { renderMetrics } from './metrics.js';
import { modelList } from './models.js';
import { resolveOptions, SIM_VLLM_VERSION, type SimRuntimeOptions } from './options.js';
import { startStatsLog } from './stats-log.js';
import { vllmLogLine } from './vllm-log.js';

export interface SimRuntime {
  /** Base URL, e.g. http://127.0.0.1:43121 (append /v1 for OpenAI clients). */
  url: string;
  host: string;
  port: number;
  /** The bearer key /v1/* expects, or null when open. */
  apiKey: string | null;
  servedModelName: string;
  engine: SimEngine;
  faults: FaultState;
  phase(): Phase;
  /** The same faults as POST /_sim/fault, in process. */
  applyFault(command: FaultCommand): void;
  close(): Promise<void>;
}

const ROUTES: Record<string, string[]> = {
  '/health': ['GET'],
  '/ping': ['GET', 'POST'],
  '/version': ['GET'],
  '/metrics': ['GET'],
  '/v1/models': ['GET'],
  '/v1/chat/completions': ['POST'],
  '/v1/completions': ['POST'],
};

/**
 * Starts the simulated vLLM OpenAI-compatible server (SIMULATED: no GPU, no weights). From the
 * outside it answers like `vllm serve`; only `/version` carries `simulated: true`.
 */
export async function startSimRuntime(options: SimRuntimeOptions = {}): Promise<SimRuntime> {
  const opts = resolveOptions(options);
  const engine = new SimEngine(
    {
      maxNumSeqs: opts.maxNumSeqs,
      ttftMs: opts.ttftMs,
      tokensPerSecond: opts.tokensPerSecond,
      numGpuBlocks: opts.numGpuBlocks,
      tickMs: opts.tickMs,
    },
    opts.clock,
  );
  const life = new SimLifecycle(opts, engine);
  const ctx: CompletionContext = {
    opts,
    engine,
    faults: life.faults,
    isReady: () => life.phase === 'ready',
  };
  opts.log(
    vllmLogLine(
      'APIServer',
      'INFO',
      'api_server.py:1839',
      `vLLM API server version ${SIM_VLLM_VERSION} (SIMULATED: Resultity devnet stand-in, ` +
        'no GPU, no model weights)',
    ),
  );
  opts.log(
    vllmLogLine(
      'APIServer',
      'INFO',
      'utils.py:233',
      `non-default args: {'model': '${opts.model}', 'served_model_name': ` +
        `['${opts.servedModelName}'], 'max_model_len': ${opts.maxModelLen}, 'max_num_seqs': ` +
        `${opts.maxNumSeqs}, 'gpu_memory_utilization': ${opts.gpuMemoryUtilization}, ` +
        `'api_key': ${opts.apiKey ? "['***']" : 'None'}}`,
    ),
  );

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?', 1)[0] ?? '/';
    if (path === '/_sim/fault' && opts.controlToken) return control(req, res);
    if (life.faults.hang) return life.park(() => void dispatch(req, res, path));
    return dispatch(req, res, path);
  };

  const dispatch = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path.startsWith('/v1') && opts.apiKey && req.method !== 'OPTIONS') {
      if (!bearerMatches(req.headers.authorization, opts.apiKey)) {
        return sendJson(res, 401, { error: 'Unauthorized' });
      }
    }
    const methods = ROUTES[path];
    if (!methods) return sendJson(res, 404, { detail: 'Not Found' });
    if (!methods.includes(req.method ?? '')) {
      return sendJson(res, 405, { detail: 'Method Not Allowed' });
    }
    switch (path) {
      case '/health':
      case '/ping':
        return sendEmpty(res, life.phase === 'ready' ? 200 : 503);
      case '/version':
        return sendJson(res, 200, { version: SIM_VLLM_VERSION, simulated: true });
      case '/metrics':
        if (life.faults.metricsHang) return life.park(() => void dispatch(req, res, path));
        return sendText(
          res,
          200,
          renderMetrics(engine.stats(), opts.servedModelName),
          'text/plain; version=0.0.4; charset=utf-8',
        );
      case '/v1/models':
        return sendJson(res, 200, modelList(opts));
      case '/v1/chat/completions':
        return handleCompletion('chat', req, res, ctx);
      case '/v1/completions':
        return handleCompletion('text', req, res, ctx);
    }
  };

  const control = async (req: IncomingMessage, res: ServerResponse) => {
    if (!bearerMatches(req.headers.authorization, opts.controlToken ?? '')) {
      return sendJson(res, 401, { error: 'Unauthorized' });
    }
    const state = () => ({
      phase: life.phase,
      hang: life.faults.hang,
      errorRate: life.faults.errorRate,
      loneSurrogate: life.faults.loneSurrogate,
      runaway: life.faults.runaway,
      metricsHang: life.faults.metricsHang,
    });
    if (req.method === 'GET') return sendJson(res, 200, state());
    if (req.method !== 'POST') return sendJson(res, 405, { detail: 'Method Not Allowed' });
    let parsed;
    try {
      parsed = FaultCommand.safeParse(JSON.parse(await readBody(req, 64 * 1024)));
    } catch {
      return sendJson(res, 400, { error: 'The body must be JSON like {"fault":"hang"}.' });
    }
    if (!parsed.success) {
      return sendJson(res, 400, {
        error:
          'Unknown fault. Send {"fault": "crash" | "hang" | "slow-start" (durationMs) | ' +
          '"error-rate" (rate 0..1) | "lone-surrogate" | "runaway" | "metrics-hang" | "clear"}.',
      });
    }
    try {
      life.apply(parsed.data);
    } catch (error) {
      return sendJson(res, 400, { error: (error as Error).message });
    }
    opts.log(
      vllmLogLine(
        'APIServer',
        'WARNING',
        'sim_fault.py:1',
        `SIMULATED fault applied: ${JSON.stringify(parsed.data)}`,
      ),
    );
    return sendJson(res, 200, state());
  };

  const server = http.createServer((req, res) => {
    if (opts.accessLog) accessLog(req, res, opts.log);
    route(req, res).catch((error: unknown) => {
      opts.log(
        vllmLogLine('APIServer', 'ERROR', 'api_server.py:1', `request failed: ${String(error)}`),
      );
      if (!res.headersSent) sendEmpty(res, 500);
      else res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000; // uvicorn's default keep-alive

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  const url = `http://${shownHost}:${port}`;
  opts.log(
    vllmLogLine('APIServer', 'INFO', 'api_server.py:1912', `Starting vLLM API server 0 on ${url}`),
  );
  life.start();
  const stopStats = options.log ? startStatsLog(engine, opts.clock, opts.log) : () => {};

  return {
    url,
    host: opts.host,
    port,
    apiKey: opts.apiKey,
    servedModelName: opts.servedModelName,
    engine,
    faults: life.faults,
    phase: () => life.phase,
    applyFault: (command) => life.apply(FaultCommand.parse(command)),
    close: async () => {
      stopStats();
      life.close();
      engine.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function accessLog(req: IncomingMessage, res: ServerResponse, log: (line: string) => void): void {
  res.on('finish', () => {
    const peer = `${req.socket.remoteAddress ?? '-'}:${req.socket.remotePort ?? '-'}`;
    log(
      `(APIServer pid=${process.pid}) INFO:     ${peer} - "${req.method} ${req.url} ` +
        `HTTP/${req.httpVersion}" ${res.statusCode} ${http.STATUS_CODES[res.statusCode] ?? ''}`,
    );
  });
}

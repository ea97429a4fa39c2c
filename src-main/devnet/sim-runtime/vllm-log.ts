/**
 * Log lines in vLLM 0.11's format, e.g.
 * `(APIServer pid=1) INFO 10-16 02:21:34 [api_server.py:1839] vLLM API server version 0.11.0`.
 */
export type LogLevel = 'INFO' | 'WARNING' | 'ERROR';
export type LogProcess = 'APIServer' | 'EngineCore_DP0';

export function vllmLogLine(
  proc: LogProcess,
  level: LogLevel,
  where: string,
  message: string,
  date: Date = new Date(),
): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const stamp =
    `${p2(date.getMonth() + 1)}-${p2(date.getDate())} ` +
    `${p2(date.getHours())}:${p2(date.getMinutes())}:${p2(date.getSeconds())}`;
  return `(${proc} pid=${process.pid}) ${level} ${stamp} [${where}] ${message}`;
}

/** What vLLM prints when the engine cannot fit the model or its KV cache at start-up. */
export function oomAtStartLines(gpuMemoryUtilization: number): string[] {
  const err = (msg: string) => vllmLogLine('EngineCore_DP0', 'ERROR', 'core.py:708', msg);
  const cause =
    gpuMemoryUtilization < 0.5
      ? [
          'ValueError: No available memory for the cache blocks. Try increasing ' +
            '`gpu_memory_utilization` when initializing the engine.',
        ]
      : [
          'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 224.00 MiB. GPU 0 has a ' +
            'total capacity of 23.55 GiB of which 120.50 MiB is free. Including non-PyTorch ' +
            'memory, this process has 23.42 GiB memory in use. Of the allocated memory 22.97 GiB ' +
            'is allocated by PyTorch, and 12.16 MiB is reserved by PyTorch but unallocated. If ' +
            'reserved but unallocated memory is large try setting ' +
            'PYTORCH_CUDA_ALLOC_CONF=expandable_segments:True to avoid fragmentation.  See ' +
            'documentation for Memory Management  ' +
            '(https://pytorch.org/docs/stable/notes/cuda.html#environment-variables)',
        ];
  return [
    err('EngineCore failed to start.'),
    err('Traceback (most recent call last):'),
    err(
      '  File "/usr/local/lib/python3.12/dist-packages/vllm/v1/engine/core.py", line 699, in run_engine_core',
    ),
    err('    engine_core = EngineCoreProc(*args, **kwargs)'),
    ...cause.map(err),
    'Traceback (most recent call last):',
    '  File "/usr/local/bin/vllm", line 10, in <module>',
    '    sys.exit(main())',
    "RuntimeError: Engine core initialization failed. See root cause above. Failed core proc(s): {'EngineCore_DP0': 1}",
  ];
}

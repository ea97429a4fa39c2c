// The simulated vLLM runtime's public surface. image.ts (Docker build, needs esbuild and a
// Docker engine) is imported directly by the few callers that build the image.
export { startSimRuntime, type SimRuntime } from './server.js';
export type { SimRuntimeOptions } from './options.js';
export { SIM_VLLM_VERSION } from './options.js';
export {
  simulateCompletion,
  simulateChatCompletion,
  type SimulateInput,
  type SimulatedCompletion,
  type FinishReason,
} from './simulate.js';
export { countTokens, tokenize, renderChatPrompt, type ChatMessageText } from './tokenizer.js';
export { SimEngine, EngineDeadError, type EngineOptions, type EngineStats } from './engine.js';
export { FaultCommand, parseFaultFlag, type StartupFaults } from './faults.js';
export { runLoad, type LoadOptions, type LoadResult } from './load.js';

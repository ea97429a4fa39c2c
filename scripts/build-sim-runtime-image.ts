// Builds the simulated vLLM runtime image (the devnet's stand-in for vllm/vllm-openai).
// Usage: npx tsx scripts/build-sim-runtime-image.ts [tag]
import Docker from 'dockerode';
import { buildSimRuntimeImage, SIM_RUNTIME_IMAGE } from '../src-main/devnet/sim-runtime/image.js';

const tag = process.argv[2] ?? SIM_RUNTIME_IMAGE;
const host = process.env.DOCKER_HOST;
const docker = new Docker(
  host?.startsWith('unix://') ? { socketPath: host.slice('unix://'.length) } : undefined,
);
const started = Date.now();
try {
  await buildSimRuntimeImage(docker, tag);
  console.log(`built ${tag} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  console.log(`run it: docker run --rm -p 127.0.0.1:8000:8000 ${tag} --model my-model`);
} catch (error) {
  console.error(`could not build ${tag}: ${(error as Error).message}`);
  console.error('Is the Docker engine running? Check with: docker info');
  process.exit(1);
}

import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../store/atomic-file.js';
import type { Logger } from '../logger.js';
import type { RuntimePlan } from './runtime.js';

/**
 * What an external runtime that the node does not manage is told: the plan from the verified,
 * signed configuration, written for a runtime launcher to read (the Kubernetes pod's vLLM
 * container waits for this file; deploy/kubernetes). Written atomically, readable by the
 * runtime container's user (0644: it holds no secret).
 */
export interface ExternalPlanFile {
  model: string;
  servedName: string;
  revision: string;
  maxModelLen: number;
  maxNumSeqs: number;
  /** `repository:tag@digest`, or null when the configuration names no image. */
  image: string | null;
}

export function imageRef(plan: RuntimePlan): string | null {
  const i = plan.image;
  return i ? `${i.repository}:${i.tag}@${i.digest}` : null;
}

export async function writePlanFile(path: string, plan: RuntimePlan): Promise<void> {
  const body: ExternalPlanFile = {
    model: plan.model.name,
    servedName: plan.model.servedName,
    revision: plan.model.revision,
    maxModelLen: plan.model.maxModelLen,
    maxNumSeqs: plan.maxNumSeqs,
    image: imageRef(plan),
  };
  await mkdir(dirname(path), { recursive: true });
  await writeFileAtomic(path, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o644 });
}

/**
 * The node cannot change an external runtime's image: it reports the one the configuration
 * requires, and whether the image the operator declared (`--runtime-image`) matches it by
 * digest. Returns the key of what was reported so a repeat is not logged again.
 */
export function reportRequiredImage(
  plan: RuntimePlan,
  declared: string | null,
  url: string,
  log: Logger,
  lastKey: string | null,
): string | null {
  const required = imageRef(plan);
  if (required === null) return lastKey;
  const key = `${required}|${declared ?? ''}`;
  if (key === lastKey) return lastKey;
  const { repository, tag, digest } = plan.image!;
  if (declared !== null && declared.endsWith(`@${digest}`)) {
    log.info(`The runtime image ${declared} is the one the network's configuration requires.`);
  } else if (declared !== null && !declared.includes('@') && declared === `${repository}:${tag}`) {
    log.info(
      `The runtime image ${declared} has the tag the network's configuration requires; pin it by digest (${required}) to have the image itself checked.`,
    );
  } else if (declared !== null) {
    log.warn(
      `Runtime image change required: the network's configuration requires ${required}, the runtime at ${url} runs ${declared}. The node does not manage this runtime: update its image yourself (Kubernetes: the vllm container's image in the DaemonSet, then roll it out).`,
    );
  } else {
    log.warn(
      `The network's configuration requires the runtime image ${required}. The node does not manage the runtime at ${url}: make sure it runs that image (pass --runtime-image to have it checked).`,
    );
  }
  return key;
}

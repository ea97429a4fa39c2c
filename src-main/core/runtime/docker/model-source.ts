type SpecModel = { name: string; servedName: string; revision: string };

/**
 * The verified model's folder inside the container: the Hugging Face cache layout the node's
 * model store wrote under the mounted HF_HOME (POSIX paths: the container is Linux).
 */
export function containerModelDir(model: SpecModel, hfHome: string): string {
  return `${hfHome}/hub/models--${model.name.split('/').join('--')}/snapshots/${model.revision}`;
}

/**
 * Where vLLM reads the weights. Verified by the node (`verifiedIn` = the container's HF_HOME,
 * mounted read-only): the local folder, with the network's served name. Otherwise (a runtime
 * built without the model store: tests only) the hub repo at its pinned revision.
 */
export function modelArgs(model: SpecModel, verifiedIn: string | null): string[] {
  const source =
    verifiedIn !== null
      ? [containerModelDir(model, verifiedIn)]
      : [model.name, '--revision', model.revision];
  return ['--model', ...source, '--served-model-name', model.servedName];
}

/** Verified weights: nothing may be fetched from the hub at run time. */
export function offlineEnv(offline: boolean): string[] {
  return offline ? ['HF_HUB_OFFLINE=1', 'TRANSFORMERS_OFFLINE=1'] : [];
}

import { randomHex } from './openai-responses.js';
import type { ResolvedOptions } from './options.js';

/** GET /v1/models as vLLM answers it: one card, the served name, rooted at the model path. */
export function modelList(opts: ResolvedOptions) {
  const created = Math.floor(Date.now() / 1000);
  return {
    object: 'list',
    data: [
      {
        id: opts.servedModelName,
        object: 'model',
        created,
        owned_by: 'vllm',
        root: opts.model,
        parent: null,
        max_model_len: opts.maxModelLen,
        permission: [
          {
            id: `modelperm-${randomHex()}`,
            object: 'model_permission',
            created,
            allow_create_engine: false,
            allow_sampling: true,
            allow_logprobs: true,
            allow_search_indices: false,
            allow_view: true,
            allow_fine_tuning: false,
            organization: '*',
            group: null,
            is_blocking: false,
          },
        ],
      },
    ],
  };
}

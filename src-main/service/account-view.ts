import type { AccountDto } from '../contract/index.js';
import { accountWords } from '../contract/account-words.js';
import type { OwnerRecord } from '../core/identity/account-binding.js';
import type { ServingInput } from '../core/status/serving-summary.js';

/** The stored owner record as the UI shows it. */
export function accountDto(rec: OwnerRecord): AccountDto {
  return {
    owner: rec.owner,
    state: rec.state,
    ...(rec.reason ? { reason: rec.reason } : {}),
    ...(rec.verified_at !== undefined ? { verifiedAt: rec.verified_at } : {}),
    ...(rec.network_owner !== undefined ? { networkOwner: rec.network_owner } : {}),
  };
}

/** The Overview's owner line: null when no owner was ever claimed or bound. */
export function ownerServingLine(rec: OwnerRecord): ServingInput['owner'] {
  if (!rec.owner && !rec.network_owner) return null;
  const words = accountWords(accountDto(rec));
  const state = !words.problem ? 'ok' : rec.state === 'pending' ? 'wait' : 'info';
  return { state, text: words.text };
}

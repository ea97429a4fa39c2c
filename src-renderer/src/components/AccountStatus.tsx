import type { NodeStateDto } from '../../../src-main/contract/index.js';
import { accountOf, accountWords } from '../../../src-main/contract/index.js';

/** The owner line of the Overview: "Bound to 0xAb12…9f3E (verified)" or what is missing. */
export function AccountStatus({ node }: { node: Pick<NodeStateDto, 'owner' | 'account'> }) {
  const words = accountWords(accountOf(node));
  const cls = words.tone === 'ok' ? 'text-ok' : words.tone === 'muted' ? 'muted' : '';
  return (
    <span className={`wrap-anywhere ${cls}`} data-testid="account-status">
      {words.text}
    </span>
  );
}

import type { OwnerBinding } from '../../../src-main/contract/index.js';

export type BindingCheck = { ok: true; binding: OwnerBinding } | { ok: false; message: string };

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const HEX_ADDRESS = /^0x[0-9a-fA-F]{40}$/;

/**
 * Reads what the operator typed as a wallet address or an email, with a readable reason when it
 * is neither. The node checks again (including the EIP-55 checksum) when it binds.
 */
export function parseOwnerBinding(input: string): BindingCheck {
  const value = input.trim();
  if (value === '') {
    return { ok: false, message: 'Enter a wallet address (0x…) or an email address.' };
  }
  if (value.includes('@')) {
    if (value.length > 254 || !EMAIL.test(value)) {
      return {
        ok: false,
        message: 'That email address does not look complete. Use the form name@example.com.',
      };
    }
    return { ok: true, binding: { kind: 'email', email: value } };
  }
  if (/^0x/i.test(value)) {
    const hex = value.slice(2);
    if (hex.length !== 40) {
      return {
        ok: false,
        message: `A wallet address has 40 hexadecimal characters after 0x; this one has ${hex.length}.`,
      };
    }
    if (!HEX_ADDRESS.test(value)) {
      return {
        ok: false,
        message: 'A wallet address may only use 0–9 and a–f after 0x. Check for typos.',
      };
    }
    return { ok: true, binding: { kind: 'wallet', address: value } };
  }
  return {
    ok: false,
    message: 'Enter a wallet address starting with 0x, or an email address with an @.',
  };
}

export function describeBinding(binding: OwnerBinding | null): string {
  if (!binding) return 'Not bound to an account';
  return binding.kind === 'wallet' ? binding.address : binding.email;
}

// @vitest-environment happy-dom
// The desktop's network choice: Testnet, Mainnet, Custom network and Demo, and the checks a
// custom network's address and signer get before they are sent.
import { act } from 'react';
import { createRoot } from 'react-dom/client';
import { describe, expect, it } from 'vitest';
import {
  NetworkChoice,
  customProblem,
} from '../../../src-renderer/src/pages/settings/NetworkChoice.js';
import { snapshot } from './fake-bridge.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const signer = '0x52908400098527886E0F7030069857D2E4169EE7';

describe('network choice', () => {
  it('offers Testnet, Mainnet, Custom network and a clearly labelled Demo', async () => {
    const container = document.createElement('div');
    const root = createRoot(container);
    await act(async () => root.render(<NetworkChoice settings={snapshot().settings} />));
    const options = [...container.querySelectorAll('option')].map((o) => o.textContent);
    expect(options).toEqual([
      'Testnet — test jobs, no rewards',
      'Mainnet — real jobs and rewards',
      'Custom network — a private network or a devnet elsewhere',
      'Demo — simulated jobs inside this app, nothing earned',
    ]);
    // The snapshot's network is `local`: the Demo note says what it is.
    expect(container.textContent).toContain('SIMULATED runtime');
    expect(container.textContent).toContain('nothing is earned');
    root.unmount();
  });

  it('checks a custom network in plain words', () => {
    const ok = { ioUrl: 'https://io.example.com', signer, protocolNetwork: 'testnet' } as const;
    expect(customProblem(ok)).toBeNull();
    expect(customProblem({ ...ok, ioUrl: 'io.example.com' })).toMatch(/Enter the IO service/);
    expect(customProblem({ ...ok, ioUrl: 'http://io.example.com' })).toMatch(/needs https/);
    expect(
      customProblem({ ...ok, ioUrl: 'http://10.0.0.2:8080', protocolNetwork: 'local' }),
    ).toBeNull();
    expect(customProblem({ ...ok, signer: '0x1234' })).toMatch(/40 hexadecimal/);
  });
});

// @vitest-environment happy-dom
// ErrorNotice as the operator reads a failed command: the cause, the fix, and the raw error
// (name, code, message) behind "Details", for errors rebuilt from the bridge's wire values.
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, describe, expect, it } from 'vitest';
import { BridgeError } from '../../../src-main/contract/errors.js';
import { ErrorNotice } from '../../../src-renderer/src/components/ErrorNotice.js';
import { GENERIC_FIX, splitMessage } from '../../../src-renderer/src/lib/error-words.js';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const mounted: Root[] = [];

async function notice(error: Error | string, children?: string): Promise<HTMLElement> {
  const container = document.createElement('div');
  document.body.append(container);
  const root = createRoot(container);
  mounted.push(root);
  await act(async () =>
    root.render(
      <ErrorNotice title="The limits were not saved" error={error}>
        {children ? <p className="notice-body">{children}</p> : null}
      </ErrorNotice>,
    ),
  );
  return container;
}

const part = (el: HTMLElement, selector: string) => el.querySelector(selector)?.textContent ?? null;

afterEach(async () => {
  for (const root of mounted.splice(0)) await act(async () => root.unmount());
  document.body.replaceChildren();
});

describe('ErrorNotice', () => {
  it('words a known code from its table and keeps the raw message behind Details', async () => {
    const raw =
      '2 jobs are running. These limits restart the runtime, which ends the running jobs with an error.';
    const el = await notice(
      new BridgeError({
        name: 'RestartNeedsConfirmationError',
        code: 'confirm_restart',
        message: raw,
      }),
    );
    expect(part(el, '.notice-title')).toBe('The limits were not saved');
    expect(part(el, '.problem-cause')).toBe(
      'Jobs are running, and this change restarts the runtime, which would end them.',
    );
    expect(part(el, '.problem-fix')).toContain('Save again to confirm');
    expect(part(el, '.problem-details summary')).toBe('Details');
    expect(part(el, '.problem-raw')).toBe(
      `RestartNeedsConfirmationError [confirm_restart]: ${raw}`,
    );
    expect(el.querySelector('[role="alert"]')).not.toBeNull();
  });

  it('keys a code another error shares by name: a Docker "unreachable" is not the network', async () => {
    const network = await notice(
      new BridgeError({
        name: 'IoUnreachableError',
        code: 'unreachable',
        message:
          'Cannot reach the network at https://io.example (ECONNREFUSED). Check the internet connection; the node keeps retrying.',
      }),
    );
    expect(part(network, '.problem-cause')).toBe('The node cannot reach the network.');
    const docker = await notice(
      new BridgeError({
        name: 'DockerEngineError',
        code: 'unreachable',
        message:
          'The Docker engine did not answer at /var/run/docker.sock. Restart Docker, then try again.',
      }),
    );
    expect(part(docker, '.problem-cause')).toBe(
      'The Docker engine did not answer at /var/run/docker.sock.',
    );
    expect(part(docker, '.problem-fix')).toBe('Restart Docker, then try again.');
  });

  it('splits an unknown two-sentence message into cause and fix', async () => {
    const el = await notice(
      new BridgeError({
        name: 'WeakPassphraseError',
        message:
          'The passphrase was not accepted. Add another word or two; uncommon words are better.',
      }),
    );
    expect(part(el, '.problem-cause')).toBe('The passphrase was not accepted.');
    expect(part(el, '.problem-fix')).toBe('Add another word or two; uncommon words are better.');
    expect(part(el, '.problem-raw')).toBe(
      'WeakPassphraseError: The passphrase was not accepted. Add another word or two; uncommon words are better.',
    );
  });

  it('shows a one-sentence message as the cause, the generic advice as the fix, the raw behind Details', async () => {
    const el = await notice(new BridgeError({ name: 'Error', message: 'Docker did not answer.' }));
    expect(part(el, '.problem-cause')).toBe('Docker did not answer.');
    expect(part(el, '.problem-fix')).toBe(GENERIC_FIX);
    expect(part(el, '.problem-raw')).toBe('Error: Docker did not answer.');
  });

  it("lets the caller's own advice replace the generic one", async () => {
    const el = await notice(
      new Error('The state could not be read'),
      'Try again; restart the node.',
    );
    expect(part(el, '.problem-cause')).toBe('The state could not be read');
    expect(el.querySelector('.problem-fix')).toBeNull();
    expect(el.textContent).toContain('Try again; restart the node.');
    expect(el.textContent).not.toContain(GENERIC_FIX);
  });
});

describe('splitMessage', () => {
  it('ends a sentence only before a capital letter: paths, file names and "e.g." stay whole', () => {
    expect(splitMessage('Delete /data/node.lock and start again.')).toEqual({
      cause: 'Delete /data/node.lock and start again.',
      fix: null,
    });
    expect(splitMessage('Use a key file, e.g. one from a backup.')).toEqual({
      cause: 'Use a key file, e.g. one from a backup.',
      fix: null,
    });
    expect(
      splitMessage('Already running (PID 12) on this folder: /d. Stop the other node first.'),
    ).toEqual({
      cause: 'Already running (PID 12) on this folder: /d.',
      fix: 'Stop the other node first.',
    });
  });

  it('does not take a fragment of one or two words for a fix', () => {
    expect(splitMessage('The code expired. Sorry.').fix).toBeNull();
  });
});

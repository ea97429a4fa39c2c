import { CopyButton } from '../../components/CopyButton.js';

/** The commands that make the GPU driver itself hold `capW` (they need administrator rights). */
export function powerLimitCommands(capW: number): { linux: string; windows: string } {
  const watts = Math.round(capW);
  return { linux: `sudo nvidia-smi -pl ${watts}`, windows: `nvidia-smi -pl ${watts}` };
}

/**
 * Settings → When to pause → Power cap: the node never changes the driver's power limit (it needs
 * administrator rights and binds every program on the GPU), so it shows the command instead.
 */
export function PowerLimitCommand({ capW }: { capW: number | null }) {
  if (capW === null || !(capW > 0)) return null;
  const cmd = powerLimitCommands(capW);
  return (
    <div className="field-help" data-testid="power-limit-command">
      <p>
        The node keeps to this cap by running fewer jobs, then pausing; it does not change your GPU
        driver&apos;s power limit, which needs administrator rights. To make the driver itself hold{' '}
        {Math.round(capW)} W for every program:
      </p>
      <p>
        Linux: <code>{cmd.linux}</code>{' '}
        <CopyButton value={cmd.linux} label="Copy the Linux command" />
      </p>
      <p>
        Windows, in a terminal opened with Run as administrator: <code>{cmd.windows}</code>{' '}
        <CopyButton value={cmd.windows} label="Copy the Windows command" />
      </p>
      <p>It lasts until the computer restarts.</p>
    </div>
  );
}

import type { ModelDiskDto } from '../../../../src-main/contract/index.js';
import { ProgressBar } from '../../components/ProgressBar.js';
import { formatBytes } from '../../lib/format.js';

/** What the models take on disk and the most they may take (Settings → Disk space for models). */
export function ModelDiskLine({ disk }: { disk: ModelDiskDto }) {
  const limit = disk.operatorBudget
    ? 'your limit in Settings'
    : 'what leaves 10 % of the disk free; set a limit in Settings';
  return (
    <div className="model-disk" data-testid="model-disk">
      <ProgressBar
        value={disk.usedBytes}
        max={Math.max(disk.budgetBytes, 1)}
        label="Disk used by models"
        tone={disk.usedBytes >= disk.budgetBytes ? 'bad' : 'accent'}
      />
      <p className="transfer-foot">
        Models use {formatBytes(disk.usedBytes)} of {formatBytes(disk.budgetBytes)} ({limit}).
      </p>
    </div>
  );
}

import type { GpuInfoDto, GpuSampleDto, GpuStateDto } from '../../../src-main/contract/index.js';
import { Card } from '../components/Card.js';
import { EmptyState } from '../components/EmptyState.js';
import { ErrorNotice } from '../components/ErrorNotice.js';
import { LineChart } from '../components/LineChart.js';
import { formatMebibytes, formatPercent } from '../lib/format.js';
import { GPU_WINDOW_MS, useGpuStore } from '../stores/gpu-store.js';
import { useNodeStore } from '../stores/node-store.js';
import { BenchmarkLine } from './gpu/BenchmarkLine.js';
import { PausePanel } from './gpu/PausePanel.js';
import { Page } from './Page.js';

const EMPTY: GpuSampleDto[] = [];

function unit(suffix: string, digits = 0) {
  return (v: number | null) => (v === null ? '—' : `${v.toFixed(digits)} ${suffix}`);
}

function GpuCard({ info, samples }: { info: GpuInfoDto; samples: GpuSampleDto[] }) {
  const end = samples[samples.length - 1]?.ts ?? Date.now();
  const series = (pick: (s: GpuSampleDto) => number | null) =>
    samples.map((s) => ({ ts: s.ts, value: pick(s) }));
  const latest = samples[samples.length - 1];
  const total = latest?.memoryTotalMb ?? info.memoryTotalMb;
  return (
    <Card
      title={`GPU ${info.index} · ${info.name}`}
      subtitle={
        <>
          {formatMebibytes(info.memoryTotalMb)} VRAM
          {info.driverVersion ? ` · driver ${info.driverVersion}` : ''} · <code>{info.uuid}</code>
        </>
      }
      className="gpu-card"
    >
      {samples.length === 0 ? (
        <EmptyState icon="gpu" title="No readings yet">
          The node reads the GPU every few seconds while it runs.
        </EmptyState>
      ) : (
        <div className="chart-grid">
          <LineChart
            title="Utilisation"
            points={series((s) => s.utilizationPct)}
            end={end}
            windowMs={GPU_WINDOW_MS}
            max={100}
            format={formatPercent}
            color={1}
          />
          <LineChart
            title="VRAM used"
            points={series((s) => s.memoryUsedMb)}
            end={end}
            windowMs={GPU_WINDOW_MS}
            max={total ?? undefined}
            format={formatMebibytes}
            context={total ? `of ${formatMebibytes(total)}` : undefined}
            color={4}
          />
          <LineChart
            title="Temperature"
            points={series((s) => s.temperatureC)}
            end={end}
            windowMs={GPU_WINDOW_MS}
            max={100}
            format={unit('°C')}
            color={3}
          />
          <LineChart
            title="Power draw"
            points={series((s) => s.powerW)}
            end={end}
            windowMs={GPU_WINDOW_MS}
            format={unit('W')}
            color={2}
          />
        </div>
      )}
    </Card>
  );
}

/** What the node knows about this machine's GPUs, before any card. */
function GpuFinding({ gpu, simulated }: { gpu: GpuStateDto; simulated: boolean }) {
  if (gpu.probe === 'checking') {
    return (
      <Card label="GPU check">
        <EmptyState icon="gpu" title="Looking for NVIDIA GPUs…">
          {gpu.reason && gpu.reason !== 'Looking for NVIDIA GPUs…'
            ? gpu.reason
            : 'The node is asking the NVIDIA driver; this takes a few seconds.'}
        </EmptyState>
      </Card>
    );
  }
  if (gpu.probe === 'unknown') {
    return (
      <Card label="GPU check">
        <EmptyState icon="gpu" title="No GPU information">
          {gpu.reason || 'This node does not read GPU information.'} The Setup check page looks for
          the GPU itself. <a href="#/setup">Open the setup check</a>
        </EmptyState>
      </Card>
    );
  }
  if (gpu.available) {
    return gpu.gpus.length === 0 ? (
      <EmptyState icon="gpu" title="No GPU reported yet">
        {gpu.reason || 'The node lists its GPUs once it has probed them.'}
      </EmptyState>
    ) : null;
  }
  return (
    <ErrorNotice tone="warn" title="No usable NVIDIA GPU found" error={gpu.reason}>
      <p className="notice-body">
        {simulated
          ? 'To serve real inference the node needs an NVIDIA GPU visible to Docker. '
          : 'The node needs an NVIDIA GPU visible to Docker to serve inference. '}
        The Setup check page lists what is missing and how to fix it.{' '}
        <a href="#/setup">Open the setup check</a>
      </p>
    </ErrorNotice>
  );
}

export function GpuPage() {
  const gpu = useGpuStore((s) => s.gpu);
  const history = useGpuStore((s) => s.history);
  const simulated = useNodeStore((s) => s.node?.runtime.simulated ?? false);
  const benchmark = useNodeStore((s) => s.node?.benchmark);
  if (!gpu) return null;
  return (
    <Page title="GPU" subtitle="Live readings from nvidia-smi over the last five minutes.">
      {simulated ? (
        <ErrorNotice tone="info" title="Jobs run on a SIMULATED runtime">
          <p className="notice-body" data-testid="gpu-simulated">
            This node answers jobs with made-up text from the local devnet&apos;s simulated runtime,
            which uses no GPU. What follows is about this machine&apos;s real hardware.
          </p>
        </ErrorNotice>
      ) : null}
      <GpuFinding gpu={gpu} simulated={simulated} />
      <BenchmarkLine benchmark={benchmark} simulated={simulated} />
      <PausePanel />
      <div className="stack">
        {gpu.gpus.map((info) => (
          <GpuCard
            key={info.uuid || info.index}
            info={info}
            samples={history[info.index] ?? EMPTY}
          />
        ))}
      </div>
    </Page>
  );
}

import { Card } from '../../components/Card.js';
import { formatMebibytes, formatPercent } from '../../lib/format.js';
import { useGpuStore } from '../../stores/gpu-store.js';

const value = (n: number | null, unit: string) => (n === null ? '—' : `${Math.round(n)} ${unit}`);

/** The latest reading of each GPU: utilisation, VRAM, temperature and power. */
export function GpuVitals() {
  const gpu = useGpuStore((s) => s.gpu);
  const history = useGpuStore((s) => s.history);
  const gpus = gpu?.gpus ?? [];
  return (
    <Card title="GPU" subtitle="Latest reading of each GPU.">
      {gpus.length === 0 ? (
        <p className="muted" data-testid="gpu-vitals">
          {gpu?.reason || 'No GPU reading yet.'}
        </p>
      ) : (
        <dl className="kv" data-testid="gpu-vitals">
          {gpus.map((g) => {
            const s = history[g.index]?.at(-1);
            const total = s?.memoryTotalMb ?? g.memoryTotalMb;
            return (
              <div key={g.uuid || g.index} className="gpu-vitals-row">
                <dt>
                  GPU {g.index} · {g.name}
                </dt>
                <dd>
                  {formatPercent(s?.utilizationPct ?? null)} busy ·{' '}
                  {formatMebibytes(s?.memoryUsedMb ?? null)} of {formatMebibytes(total)} VRAM ·{' '}
                  {value(s?.temperatureC ?? null, '°C')} · {value(s?.powerW ?? null, 'W')}
                </dd>
              </div>
            );
          })}
        </dl>
      )}
    </Card>
  );
}

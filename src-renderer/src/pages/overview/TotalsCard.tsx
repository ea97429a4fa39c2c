import type { CountsDto, TotalsDto } from '../../../../src-main/contract/index.js';
import { Card } from '../../components/Card.js';
import { formatCount, formatUptime } from '../../lib/format.js';

const ROWS: { key: keyof CountsDto; label: string; format: (n: number) => string }[] = [
  { key: 'jobs', label: 'Jobs served', format: formatCount },
  { key: 'tokens', label: 'Tokens generated', format: formatCount },
  { key: 'accepted', label: 'Accepted by the network', format: formatCount },
  { key: 'failures', label: 'Failed while running', format: formatCount },
  { key: 'uptimeMs', label: 'Time running', format: formatUptime },
];

const COLUMNS: { key: 'today' | 'last7Days' | 'lifetime'; label: string }[] = [
  { key: 'today', label: 'Today' },
  { key: 'last7Days', label: '7 days' },
  { key: 'lifetime', label: 'All time' },
];

/** Totals kept across restarts on this network; refusals before running are not failures. */
export function TotalsCard({ totals }: { totals: TotalsDto }) {
  return (
    <Card
      title="Totals"
      subtitle={`On this network since ${new Date(totals.since).toLocaleDateString()}. Jobs the node refused are not failures.`}
    >
      <div className="table-wrap">
        <table className="table totals-table" data-testid="totals">
          <thead>
            <tr>
              <th scope="col">
                <span className="visually-hidden">What</span>
              </th>
              {COLUMNS.map((c) => (
                <th key={c.key} scope="col" className="num">
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {ROWS.map((r) => (
              <tr key={r.key}>
                <th scope="row">{r.label}</th>
                {COLUMNS.map((c) => (
                  <td key={c.key} className="num" data-testid={`totals-${c.key}-${r.key}`}>
                    {r.format(totals[c.key][r.key])}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Card>
  );
}

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { systemClock } from '../../../src-main/core/clock.js';
import { noEvent } from '../../../src-main/core/base/event.js';
import { NodeMetrics } from '../../../src-main/service/ops/node-metrics.js';

const dashboard = JSON.parse(readFileSync('deploy/grafana/resultity-fleet.json', 'utf8')) as {
  panels: { title: string; targets: { expr: string }[] }[];
  templating: { list: { name: string }[] };
};

describe('Grafana fleet dashboard', () => {
  it('queries only metrics the node exports, per instance', async () => {
    const metrics = new NodeMetrics({
      clock: systemClock,
      state: () => ({ state: 'active', config: { serial: 1 } }) as never,
      onJobEvent: noEvent,
      gpuSamples: () => [],
      heartbeatAt: () => null,
      runtimeMetrics: async () => null,
    });
    const exported = new Set<string>();
    for (const m of await metrics.registry.getMetricsAsJSON()) {
      exported.add(m.name);
      if (String(m.type) === 'histogram')
        for (const s of ['_bucket', '_sum', '_count']) exported.add(m.name + s);
    }
    metrics.dispose();
    expect(dashboard.templating.list.map((v) => v.name)).toEqual(['datasource', 'instance']);
    const used = new Set<string>();
    for (const p of dashboard.panels) {
      expect(p.targets.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets) {
        expect(t.expr, p.title).toContain('instance=~"$instance"');
        for (const name of t.expr.match(/resultity_node_\w+/g) ?? []) used.add(name);
      }
    }
    expect(used.size).toBeGreaterThan(10);
    for (const name of used) expect(exported, name).toContain(name);
  });
});

import { execFileSync, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { DaemonSet, type IDaemonSet } from 'kubernetes-models/apps/v1/DaemonSet';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { describe, expect, it } from 'vitest';
import { parseOptions } from '../../../src-main/headless/options.js';
import { toolAvailability } from '../../helpers/env.js';

const { loadAll } = createRequire(import.meta.url)('js-yaml') as {
  loadAll(text: string): unknown[];
};
const kubectl = toolAvailability('kubectl', ['version', '--client'], 'kubernetes-client');
const python = spawnSync('python3', ['--version']).status === 0;

type Doc = { kind: string; metadata: { name: string; namespace?: string } };
const MODELS: Record<string, new (d: never) => { validate(): void }> = {
  Namespace: Namespace as never,
  ConfigMap: ConfigMap as never,
  DaemonSet: DaemonSet as never,
  PodDisruptionBudget: PodDisruptionBudget as never,
};

describe.skipIf(!kubectl.available)('Kubernetes base (kubectl kustomize, offline)', () => {
  const rendered = execFileSync('kubectl', ['kustomize', 'deploy/kubernetes/base'], {
    encoding: 'utf8',
  });
  const docs = loadAll(rendered) as Doc[];
  const ds = docs.find((d) => d.kind === 'DaemonSet') as unknown as IDaemonSet;
  const pod = ds.spec!.template.spec!;
  const container = (name: string) => pod.containers.find((c) => c.name === name)!;

  it('renders documents that validate against the Kubernetes schemas', () => {
    expect(docs.map((d) => d.kind).sort()).toEqual([
      'ConfigMap',
      'DaemonSet',
      'Namespace',
      'PodDisruptionBudget',
    ]);
    for (const d of docs) {
      const Model = MODELS[d.kind]!;
      expect(() => new Model(d as never).validate(), d.kind).not.toThrow();
      if (d.kind !== 'Namespace') expect(d.metadata.namespace).toBe('resultity');
    }
    // The validator does catch a wrong document.
    const bad = structuredClone(ds) as unknown as { spec: { updateStrategy: { type: string } } };
    bad.spec.updateStrategy.type = 'AllAtOnce';
    expect(() => new DaemonSet(bad as never).validate()).toThrow();
  });

  it('one pod per NVIDIA node, agent and vLLM side by side, drained one node at a time', () => {
    expect(pod.nodeSelector).toEqual({ 'feature.node.kubernetes.io/pci-10de.present': 'true' });
    expect(pod.runtimeClassName).toBe('nvidia');
    expect(pod.containers.map((c) => c.name)).toEqual(['agent', 'vllm']);
    expect(ds.spec!.updateStrategy).toEqual({
      type: 'RollingUpdate',
      rollingUpdate: { maxUnavailable: 1 },
    });
    const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget') as unknown as {
      spec: { maxUnavailable: number; selector: unknown };
    };
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: ds.spec!.selector });
    const agent = container('agent');
    expect(agent.livenessProbe?.httpGet).toMatchObject({ path: '/livez', port: 'ops' });
    expect(agent.readinessProbe?.httpGet).toMatchObject({ path: '/readyz', port: 'ops' });
    expect(agent.ports).toEqual([{ name: 'ops', containerPort: 9464 }]);
    const mounts = Object.fromEntries(agent.volumeMounts!.map((m) => [m.name, m]));
    expect(mounts.key).toMatchObject({ mountPath: '/etc/resultity/key', readOnly: true });
    expect(agent.env).toContainEqual({
      name: 'RESULTITY_KEY_PASSPHRASE_FILE',
      value: '/etc/resultity/key/passphrase',
    });
    const key = pod.volumes!.find((v) => v.name === 'key')!;
    expect(key.secret).toMatchObject({ secretName: 'resultity-node', defaultMode: 0o400 });
    expect(pod.volumes!.find((v) => v.name === 'data')!.hostPath?.path).toBe('/var/lib/resultity');
  });

  it("the agent's arguments are ones the real CLI accepts: external runtime on localhost", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-args-'));
    try {
      const tokenFile = join(dir, 'ops-token');
      await writeFile(tokenFile, 'a-token-of-enough-length\n');
      const args = container('agent').args!.map((a) =>
        a.replace('/etc/resultity/ops/ops-token', tokenFile),
      );
      const cfg = await parseOptions(args, {});
      expect(cfg).toMatchObject({
        profile: 'mainnet',
        runtimeUrl: 'http://127.0.0.1:8000',
        runtimePlanFile: '/run/resultity-plan/plan.json',
        runtimeImage: container('vllm').image,
        opsBind: '0.0.0.0',
        opsPort: 9464,
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.skipIf(!python)('vLLM waits for the plan, then starts exactly what it names', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8s-vllm-'));
    try {
      const cm = docs.find((d) => d.kind === 'ConfigMap') as unknown as {
        data: Record<string, string>;
      };
      await writeFile(join(dir, 'start.py'), cm.data['vllm-start.py']!);
      // A stand-in `vllm` that prints the arguments it was started with.
      await writeFile(join(dir, 'vllm'), '#!/bin/sh\nprintf "%s\\n" "$@"\n', { mode: 0o755 });
      const plan = join(dir, 'plan.json');
      const env = { ...process.env, PATH: `${dir}:${process.env.PATH}`, RESULTITY_PLAN_FILE: plan };
      const child = spawnSync('python3', [join(dir, 'start.py')], { env, timeout: 1500 });
      expect(child.signal).toBe('SIGTERM'); // still waiting: no plan yet
      expect(String(child.stdout)).toContain('waiting for the agent');
      await writeFile(
        plan,
        JSON.stringify({
          model: 'org/m; rm -rf /',
          servedName: 'm',
          revision: 'abc',
          maxModelLen: 4096,
          maxNumSeqs: 8,
          image: null,
        }),
      );
      const done = spawnSync('python3', [join(dir, 'start.py')], { env, timeout: 10_000 });
      expect(done.status).toBe(0);
      const lines = String(done.stdout).trim().split('\n').slice(1);
      expect(lines).toEqual([
        'serve',
        'org/m; rm -rf /',
        '--revision',
        'abc',
        '--served-model-name',
        'm',
        '--max-model-len',
        '4096',
        '--max-num-seqs',
        '8',
        '--host',
        '127.0.0.1',
        '--port',
        '8000',
      ]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

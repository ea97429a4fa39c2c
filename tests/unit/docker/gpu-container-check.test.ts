import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { checkGpuInContainer } from '../../../src-main/core/runtime/docker/gpu-container-check.js';

describe('GPU test container', () => {
  it('is confined like the runtime container, without network', async () => {
    let created: Docker.ContainerCreateOptions | null = null;
    const docker = {
      createContainer: async (o: Docker.ContainerCreateOptions) => {
        created = o;
        throw new Error('could not select device driver "nvidia" with capabilities: [[gpu]]');
      },
    } as unknown as Docker;
    const r = await checkGpuInContainer(docker, { image: 'x@sha256:00', driverMajor: null });
    expect(r.ok).toBe(false);
    const o = created as unknown as Docker.ContainerCreateOptions;
    expect(o.Entrypoint).toEqual(['nvidia-smi']);
    expect(o.User).not.toMatch(/^0:/);
    expect(o.HostConfig).toMatchObject({
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges:true'],
      ReadonlyRootfs: true,
      IpcMode: 'private',
      NetworkMode: 'none',
      PidsLimit: 4096,
    });
  });
});

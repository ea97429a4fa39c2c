import { z } from 'zod';

const VersionDoc = z.looseObject({
  Version: z.string().optional(),
  ApiVersion: z.string().optional(),
  Os: z.string().optional(),
  Platform: z.looseObject({ Name: z.string().optional() }).optional(),
  Components: z
    .array(z.looseObject({ Name: z.string().optional(), Version: z.string().optional() }))
    .nullish(),
});

export interface EngineIdentity {
  product: 'docker' | 'podman';
  version: string | null;
  apiVersion: string | null;
  /** e.g. "Docker Desktop 4.44.0 (201307)", "Docker Engine - Community", "" on distro builds. */
  platformName: string;
  dockerDesktop: boolean;
}

/**
 * Who answers: Podman's Docker-compatible API says "Podman Engine" in its component list (and
 * often in Platform.Name); Docker Desktop names itself in Platform.Name.
 */
export function identifyEngine(versionDoc: unknown): EngineIdentity {
  const parsed = VersionDoc.safeParse(versionDoc);
  const v = parsed.success ? parsed.data : {};
  const platformName = v.Platform?.Name ?? '';
  const components = v.Components ?? [];
  const podman =
    /podman/i.test(platformName) || components.some((c) => /podman/i.test(c.Name ?? ''));
  const podmanVersion = components.find((c) => /podman/i.test(c.Name ?? ''))?.Version;
  return {
    product: podman ? 'podman' : 'docker',
    version: (podman ? podmanVersion : undefined) ?? v.Version ?? null,
    apiVersion: v.ApiVersion ?? null,
    platformName,
    dockerDesktop: /docker desktop/i.test(platformName),
  };
}

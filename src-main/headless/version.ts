import pkg from '../../package.json' with { type: 'json' };

/** The agent version reported at registration and in heartbeats. */
export const AGENT_VERSION: string = pkg.version;

// What the network's configuration asks the node to update (its `updates` section), as the UI shows it.

/** Where a runtime image change stands (docs/PROTOCOL.md, "Runtime updates"). */
export type RuntimeUpdateStateName =
  'pulling' | 'switching' | 'done' | 'rolled_back' | 'refused' | 'failed';

export interface RuntimeUpdateDto {
  /** The image digest the runtime is moving to. */
  digest: string;
  state: RuntimeUpdateStateName;
  /** One plain sentence: what happened and, when it went wrong, what it means for jobs. */
  text: string;
  /** The reason behind rolled_back, refused or failed. */
  error?: string;
  since: number;
}

export interface AgentUpdateDto {
  /** This node's version. */
  current: string;
  /** The newer version the network names (null: this one is current). */
  available: string | null;
  /** How this copy gets the new version, in plain words (auto-update, or what to do by hand). */
  howTo: string;
}

export interface UpdatesDto {
  agent: AgentUpdateDto;
  /** The last runtime image change; null until there was one. */
  runtime: RuntimeUpdateDto | null;
}

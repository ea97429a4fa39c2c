// Types for scripts/lint-workflows.mjs (used by tests/unit/packaging/workflows.test.ts).
export interface ActionlintFinding {
  file: string;
  line: number;
  column: number;
  message: string;
  kind: string;
}
export declare const NEWER_RUNNER_LABELS: string[];
export declare function lintWorkflows(
  files: Array<{ path: string; text: string }>,
): Promise<ActionlintFinding[]>;
export declare function workflowFiles(dir?: string): Array<{ path: string; text: string }>;

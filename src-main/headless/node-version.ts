/** The Node major this node is built and tested on (the one Electron embeds; package.json engines). */
export const REQUIRED_NODE_MAJOR = 24;

/**
 * Null when this Node can run the node; else what to do, in one paragraph. Older Nodes lack
 * built-ins the node uses (node:sqlite for the local network), and would fail half-way.
 */
export function nodeVersionProblem(version: string): string | null {
  const major = Number(version.split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return null;
  return (
    `resultity-node needs Node.js ${REQUIRED_NODE_MAJOR}; this is Node.js ${version}. ` +
    `Use the packaged release (it brings its own Node: resultity-node-headless-…-linux-x64.tar.gz), ` +
    `run "npm start" in a source checkout (it uses the Node ${REQUIRED_NODE_MAJOR} that "npm ci" installs), ` +
    `or install Node.js ${REQUIRED_NODE_MAJOR} (for example "nvm install ${REQUIRED_NODE_MAJOR}") and run it again.`
  );
}

#!/bin/sh
# Resultity Node launcher: runs the headless node on the Node runtime shipped beside it, so the
# machine needs no Node of its own. Works through a symlink (e.g. /usr/local/bin/resultity-node).
set -eu
os=$(uname -s)
arch=$(uname -m)
if [ "$os" != "Linux" ] || [ "$arch" != "x86_64" ]; then
  echo "resultity-node: this package runs on Linux x86_64 only, and this machine is $os $arch." >&2
  echo "Use the desktop app on Windows or macOS; on other Linux machines run the node from a source checkout (npm ci && npm start)." >&2
  exit 1
fi
self=$(readlink -f "$0")
home=$(dirname "$(dirname "$self")")
exec "$home/lib/node" "$home/lib/app/dist/headless/cli.mjs" "$@"

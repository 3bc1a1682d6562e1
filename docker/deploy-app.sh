#!/usr/bin/env bash
# Inside the image build (docker/Dockerfile): writes one app of the workspace with its production
# dependencies only to a directory, and checks that its SQLite driver loads and its claude CLI runs.
#   deploy-app.sh @claude-code-server/app-server /app
set -euo pipefail
app="$1" dest="$2"

# auto-install-peers and resolve-peers-from-workspace-root off keep out the store package's optional
# peer vitest (for its conformance suite), which pnpm otherwise installs with vite and its bundlers.
NODE_EXTRA_CA_CERTS=/run/secrets/extra_ca npm_config_auto_install_peers=false \
  npm_config_resolve_peers_from_workspace_root=false \
  pnpm --filter "$app" deploy --legacy --prod --store-dir /pnpm/store "$dest"
rm -rf "$dest"/src "$dest"/test "$dest"/*.ts "$dest"/tsconfig*.json

# better-sqlite3's sources and objects are only needed to compile it; it must still load.
for dir in "$dest"/node_modules/.pnpm/better-sqlite3@*/node_modules/better-sqlite3; do
  rm -rf "$dir"/deps "$dir"/src "$dir"/build/deps "$dir"/build/Release/obj "$dir"/build/Release/obj.target \
    "$dir"/build/Release/.deps "$dir"/build/Release/test_extension.node
  node -e "new (require(process.argv[1]))(':memory:').prepare('select 1').get()" "$dir"
done

# The CLI that core finds, as the app will run it.
cd "$dest"
node --input-type=module -e "import { getCliVersion, resolveCliPath } from '@claude-code-server/core';
console.log('$app: claude', await getCliVersion(), 'at', resolveCliPath())"

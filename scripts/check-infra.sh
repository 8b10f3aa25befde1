#!/usr/bin/env bash
# Type-checks the SST app offline: `sst install` writes the platform types
# (.sst/platform/config.d.ts, which types the sst, $config and aws globals)
# without AWS credentials or a config file; tsc then checks sst.config.ts
# and the infra/ code it imports.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -f .sst/platform/config.d.ts ]; then
  SST_TELEMETRY_DISABLED=1 SST_SKIP_DEPENDENCY_CHECK=1 SST_NO_BUN=1 \
    npx sst install --stage ci
fi

npx tsc --noEmit -p tsconfig.sst.json

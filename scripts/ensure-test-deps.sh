#!/usr/bin/env bash
# Installs what the integration tests need beyond npm: Debian's
# clickhouse-server (the tests start their own instance on loopback; the
# package's service is not used). A no-op when it is already there.
set -euo pipefail

if command -v clickhouse-server >/dev/null 2>&1 || [ -x /usr/bin/clickhouse-server ] || [ -x /usr/sbin/clickhouse-server ]; then
  exit 0
fi

if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "tests need Debian's clickhouse-server: run 'sudo apt-get install clickhouse-server' and try again" >&2
  exit 1
fi

echo "installing clickhouse-server for the integration tests (apt-get)" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq </dev/null
apt-get install -y -qq --no-install-recommends clickhouse-server </dev/null >/dev/null

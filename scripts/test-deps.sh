#!/bin/sh
# Install what the browser tests need besides Python packages: Debian's chromium and axe-core.
set -e
cd "$(dirname "$0")/.."
if [ ! -x /usr/bin/chromium ]; then
  echo "Installing Debian's chromium for the browser tests..."
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  fi
fi
if [ ! -f node_modules/axe-core/axe.min.js ]; then
  echo "Installing axe-core from npm..."
  npm install --no-audit --no-fund --silent
fi

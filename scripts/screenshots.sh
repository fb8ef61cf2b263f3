#!/usr/bin/env bash
# Regenerate the screenshots of `orderbot try` in docs/ (Spanish and Arabic): the browser tests
# take them while they click through the story (needs Debian's chromium and Playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
ORDERBOT_SCREENSHOTS=docs python -m pytest tests/browser -q -p no:cacheprovider "$@"
ls -l docs/try-es.png docs/try-ar.png

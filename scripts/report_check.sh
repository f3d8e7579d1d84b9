#!/usr/bin/env bash
# Renders the run report in a real browser (headless Chromium) and saves a full-page screenshot,
# so a broken page (missing plot, bad HTML) shows up as a picture, not as a passing script.
#   scripts/report_check.sh build/report/index.html build/report/screenshot.png [width]
set -euo pipefail
page=$1
shot=$2
width=${3:-1200}
. "$(dirname "$0")/need.sh"
need chromium chromium report-check
[ -f "$page" ] || { echo "report-check: $page does not exist: run make report first"; exit 1; }
# A window tall enough for the whole page (16000 px: ImageMagick's default policy limit), then
# the blank bottom is trimmed with ImageMagick.
height=${REPORT_HEIGHT:-16000}
abs=$(cd "$(dirname "$page")" && pwd)/$(basename "$page")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir="$tmp/profile" \
  --window-size="$width,$height" --screenshot="$shot" "file://$abs" 2> "$tmp/chromium.log" \
  || { cat "$tmp/chromium.log"; echo "report-check: chromium failed"; exit 1; }
[ -s "$shot" ] || { cat "$tmp/chromium.log"; echo "report-check: chromium wrote no screenshot"; exit 1; }
if command -v /usr/bin/convert >/dev/null; then /usr/bin/convert "$shot" -trim +repage -bordercolor white -border 10 "$shot"; fi
echo "report-check: $page rendered by $(chromium --version 2>/dev/null | head -1): $shot"

#!/usr/bin/env bash
# Runs `mpquic demo` once per scheduler with the Wi-Fi cut in the middle of a 12 MB download (real sockets through
# the relay), and fails unless every download completes and prints its summary. About 60 s.
# Usage: Scripts/demo-schedulers.sh [path to mpquic]
set -uo pipefail
mpquic="${1:-.build/release/mpquic}"
failed=0
for scheduler in minrtt roundrobin redundant backup interactive costaware ecf; do
    log=$(timeout 90 "$mpquic" demo --scheduler "$scheduler" --bytes 12M --cut-at 2 --timeout 60 2>&1)
    rc=$?
    line=$(grep -E "^  downloaded 12.0 MB in" <<<"$log" | head -1)
    if [ $rc -ne 0 ] || [ -z "$line" ]; then
        echo "demo --scheduler $scheduler: FAILED (exit $rc)"
        tail -15 <<<"$log"
        failed=1
    else
        echo "demo --scheduler $scheduler:${line#  downloaded 12.0 MB}"
    fi
done
exit $failed

#!/usr/bin/env bash
# Installs the interop peers on a Debian 12 machine (as root): a Python venv with aioquic and qh3 at
# ${INTEROP_VENV:-.interop-venv}, and ngtcp2's GnuTLS example client and server (gtlsclient, gtlsserver).
# Idempotent and quiet; any failure stops it with a message.
set -euo pipefail
cd "$(dirname "$0")/../.."

AIOQUIC_VERSION=1.7.2
QH3_VERSION=2.1.0
VENV="${INTEROP_VENV:-.interop-venv}"

fail() { echo "interop setup: $*" >&2; exit 1; }

if ! command -v gtlsclient >/dev/null || [ ! -x /usr/sbin/gtlsserver ]; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || fail "apt-get update failed"
    apt-get install -y -qq ngtcp2-client ngtcp2-server >/dev/null || fail "installing ngtcp2-client/server failed"
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV" || fail "python3 -m venv $VENV failed"
fi
if ! "$VENV/bin/python" - "$AIOQUIC_VERSION" "$QH3_VERSION" <<'EOF' 2>/dev/null
import sys
from importlib.metadata import version
sys.exit(0 if (version("aioquic"), version("qh3")) == (sys.argv[1], sys.argv[2]) else 1)
EOF
then
    "$VENV/bin/python" -m pip install -q --disable-pip-version-check \
        "aioquic==$AIOQUIC_VERSION" "qh3==$QH3_VERSION" || fail "pip install of aioquic/qh3 failed"
fi

# run.py makes the certificates with cryptography and verifies, for gtlsclient (which cannot), the chain mpquic
# sent with cryptography.x509.verification (cryptography 42 or later; aioquic and qh3 pull in a newer one).
"$VENV/bin/python" -c "import aioquic, qh3, cryptography.x509.verification" \
    || fail "the venv cannot import aioquic, qh3, cryptography.x509.verification"
echo "interop peers ready: $VENV (aioquic $AIOQUIC_VERSION, qh3 $QH3_VERSION), gtlsclient, gtlsserver"

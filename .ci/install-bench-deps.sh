#!/usr/bin/env bash
# System packages `make bench` needs, installed only when missing (Debian/Ubuntu), in the
# style of .ci/install-system-deps.sh (which `make bench` runs first for Java and Virtuoso):
#   - wrk: the HTTP load generator bench/run.py drives against `migkg serve` and Virtuoso
#     (loopback only)
#   - libapache-jena-java: Apache Jena (jars in /usr/share/java), whose SHACL engine is run
#     as a Java command to cross-check pySHACL's reports and timings
set -euo pipefail

missing=()
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
[ -e /usr/share/java/jena-shacl.jar ] || missing+=(libapache-jena-java)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "installing benchmark packages: $pkgs" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null

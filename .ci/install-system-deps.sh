#!/usr/bin/env bash
# System packages the checks need, installed only when missing (Debian/Ubuntu):
#   - a JDK (java + javac): HermiT (via owlready2) and the OWL API profile checker
#   - libowlapi-java: the OWL API, the library Protégé is built on
#   - python3-venv: for `python3 -m venv`
#   - chromium: the headless browser tests/test_browser.py drives (through Playwright, which
#     is told to use /usr/bin/chromium: `playwright install` would download its own build)
#   - virtuoso-opensource: OpenLink Virtuoso (virtuoso-t, isql-vt), the external triple store
#     tests/test_virtuoso.py pushes the graph into; the tests run their own server on free
#     ports with a temporary database, whatever the package's own service does
set -euo pipefail

missing=()
command -v java  >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
[ -e /usr/share/java/owlapi-distribution.jar ] || missing+=(libowlapi-java)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v virtuoso-t >/dev/null 2>&1 || missing+=(virtuoso-opensource)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "installing system packages: $pkgs" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# env: sudo resets the environment, and virtuoso-opensource's debconf would ask for a password
# shellcheck disable=SC2086
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $pkgs >/dev/null

#!/usr/bin/env bash
# System packages the checks need, installed only when missing (Debian/Ubuntu):
#   - a JDK (java + javac): HermiT (via owlready2) and the OWL API profile checker
#   - libowlapi-java: the OWL API, the library Protégé is built on
#   - python3-venv: for `python3 -m venv`
set -euo pipefail

missing=()
command -v java  >/dev/null 2>&1 || missing+=(default-jdk-headless)
command -v javac >/dev/null 2>&1 || missing+=(default-jdk-headless)
[ -e /usr/share/java/owlapi-distribution.jar ] || missing+=(libowlapi-java)
python3 -c 'import ensurepip, venv' >/dev/null 2>&1 || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
pkgs=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
echo "installing system packages: $pkgs" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $pkgs >/dev/null

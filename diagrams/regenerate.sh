#!/usr/bin/env bash
# Regenerates every diagram in this folder from the logic: the dot source and the SVG of each.
# Run from anywhere: bash diagrams/regenerate.sh (uses .venv/bin/rulepath, or $RULEPATH).
# tests/test_graph.py reads the table below and fails when a committed .dot is out of date.
set -euo pipefail
cd "$(dirname "$0")/.."
rulepath=${RULEPATH:-.venv/bin/rulepath}
while read -r name args; do
  [ -n "$name" ] || continue
  # shellcheck disable=SC2086  # args is a list of words
  "$rulepath" graph $args --format dot -o "diagrams/$name.dot"
  "$rulepath" graph $args --format svg -o "diagrams/$name.svg"
  echo "diagrams/$name.dot, diagrams/$name.svg"
done <<'TABLE'
rule-251                  --rule-version 251
rule-37-251               --rule-version 37-251
martinez-v-smith          examples/martinez-v-smith.yaml
martinez-v-smith-path     examples/martinez-v-smith.yaml --path
TABLE

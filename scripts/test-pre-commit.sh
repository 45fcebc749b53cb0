#!/usr/bin/env bash
# Installs this checkout's pre-commit hook (`pre-commit try-repo`, which reads
# .pre-commit-hooks.yaml and builds meshlint with `cargo install`) into a throwaway git repository,
# stages a VirtualService alone and shows that it is checked against a DestinationRule that is
# not staged (cross-file references resolve against the whole repository), while findings in
# unstaged files are not reported.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

if ! command -v pre-commit >/dev/null 2>&1; then
  echo "pre-commit is not installed; skipping (pip install pre-commit)"
  exit 0
fi

# cache the hook's build between runs
export PRE_COMMIT_HOME="${PRE_COMMIT_HOME:-$root/target/pre-commit-home}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR_PRE_COMMIT:-$root/target/pre-commit-build}"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
git init -q
git config user.email ci@example.invalid
git config user.name ci
git config commit.gpgsign false

# not staged: defines v1 and v2, and has its own problem (a two-part host) that must not be reported
cat > destination-rules.yaml <<'YAML'
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: v1
kind: Namespace
metadata: {name: prod}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ratings, namespace: default}
spec:
  host: ratings.prod
YAML

vs() {
  cat > virtual-service.yaml <<YAML
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: default}
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, subset: $1}
YAML
  git add virtual-service.yaml
}

run_hook() {
  set +e
  pre-commit try-repo "$root" meshlint --verbose >"$tmp/out.txt" 2>&1
  local code=$?
  set -e
  cat "$tmp/out.txt" | sed 's/^/    /'
  return $code
}

echo "== 1. staged VirtualService routes to subset v2, defined only in the unstaged DestinationRule"
vs v2
if ! run_hook; then
  echo "FAIL: the hook should pass: v2 is defined in destination-rules.yaml"; exit 1
fi
if grep -q "ML105\|destination-rules.yaml" "$tmp/out.txt"; then
  echo "FAIL: a finding in the unstaged file was reported"; exit 1
fi

echo "== 2. staged VirtualService routes to subset v3, defined nowhere"
vs v3
if run_hook; then
  echo "FAIL: the hook should fail on IST0101"; exit 1
fi
grep -q "IST0101" "$tmp/out.txt" || { echo "FAIL: IST0101 not reported"; exit 1; }

echo "pre-commit hook: 2 passed, 0 failed"

#!/usr/bin/env python3
"""Runs the Gateway API conformance suite (../shared/conformance/gateway-api/run.py, --strict)
and fails unless every case passes, except the documented deviations of
tests/conformance/gateway-api-deviations.json, which must fail exactly as recorded.

Usage: scripts/gateway-api-conformance.py [--bin target/debug/meshlint] [--suite DIR]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(root, "target", "debug", "meshlint"))
    ap.add_argument("--suite", default=os.path.join(root, "..", "shared", "conformance", "gateway-api"))
    a = ap.parse_args()
    with open(os.path.join(root, "tests", "conformance", "gateway-api-deviations.json")) as f:
        deviations = {(d["part"], d["id"]): d for d in json.load(f)["deviations"]}
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "results.json")
        run = subprocess.run(
            [sys.executable, os.path.join(a.suite, "run.py"), "--bin", a.bin, "--strict", "--json", out],
            capture_output=True, text=True)
        print(run.stdout, end="")
        if not os.path.exists(out):
            print(run.stderr, file=sys.stderr)
            print("the conformance runner wrote no results", file=sys.stderr)
            return 1
        with open(out) as f:
            results = json.load(f)
    bad = []
    seen = set()
    for r in results:
        key = (r["part"], r["id"])
        dev = deviations.get(key)
        if dev is None:
            if not r["passed"]:
                bad.append(f"{key[0]}/{key[1]} failed: missing {r['missing']}, unexpected {r['unexpected']}, error {r['error']}")
            continue
        seen.add(key)
        norm = lambda xs: sorted(tuple(x) for x in xs)
        if r["passed"] or norm(r["missing"]) != norm(dev["missing"]) or norm(r["unexpected"]) != norm(dev["unexpected"]):
            bad.append(f"{key[0]}/{key[1]} no longer deviates as documented (missing {r['missing']}, unexpected {r['unexpected']}): update tests/conformance/gateway-api-deviations.json")
    for key in deviations:
        if key not in seen:
            bad.append(f"documented deviation {key[0]}/{key[1]} is not a case of the suite")
    if bad:
        print("\n".join(bad), file=sys.stderr)
        return 1
    print(f"Gateway API conformance: every case passes (--strict) except {len(deviations)} documented deviation(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Validate a Kubernetes manifest against the Job schema and print each container's command.

    python scripts/k8s/check_manifest.py examples/k8s/score-job.yaml [KUBERNETES_VERSION]

Uses kubernetes-validate (the API's published OpenAPI schemas, shipped in the package: no
cluster needed), strict, so an unknown or misspelt field fails. Prints one JSON object per
document on stdout: kind, name, and each container's command, args and env, so a test can run
the command by hand. Exits 1 with one line per problem.
"""
import json
import sys

import kubernetes_validate
import yaml


def main() -> int:
    path = sys.argv[1]
    version = sys.argv[2] if len(sys.argv) > 2 else kubernetes_validate.latest_version()
    with open(path, encoding="utf-8") as f:
        documents = [d for d in yaml.safe_load_all(f) if d is not None]
    problems = 0
    for i, doc in enumerate(documents):
        name = doc.get("metadata", {}).get("name", f"document {i + 1}")
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as e:
            path_text = ".".join(str(p) for p in e.path)
            print(f"{path}: {doc.get('kind')} {name}: {path_text}: {e.message}", file=sys.stderr)
            problems += 1
            continue
        pod = doc["spec"]["template"]["spec"]
        containers = [
            {
                "name": c["name"],
                "command": c.get("command", []),
                "args": c.get("args", []),
                "env": {e["name"]: e.get("value", "") for e in c.get("env", [])},
            }
            for c in pod["containers"]
        ]
        print(json.dumps({"kind": doc["kind"], "name": name, "spec": {k: v for k, v in doc["spec"].items() if k != "template"},
                          "containers": containers, "kubernetes": version}))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

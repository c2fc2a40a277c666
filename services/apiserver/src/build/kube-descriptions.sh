#!/usr/bin/env bash
# Regenerates services/apiserver/src/main/resources/io/dekube/apiserver/openapi/kube-descriptions.tsv.gz:
# Kubernetes' field descriptions that the Java client's models lack (see KubeDescriptions and
# KubeDescriptionsGenerator). Needs npm and the npm registry; the build itself needs neither.
# Run from the repository's root: services/apiserver/src/build/kube-descriptions.sh
set -euo pipefail
CDK8S=cdk8s-plus-32@2.5.92
MODELS=kubernetes-models@4.5.1
MACHINERY=@kubernetes-models/apimachinery@2.2.0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$CDK8S" "$MODELS" "$MACHINERY" >/dev/null)
for t in "$work"/*.tgz; do
  d="$work/$(basename "$t" .tgz)"
  mkdir -p "$d" && tar xzf "$t" -C "$d"
done
out=services/apiserver/src/main/resources/io/dekube/apiserver/openapi/kube-descriptions.tsv.gz
./mvnw -B -q -o -pl services/apiserver test-compile dependency:build-classpath -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/classpath"
java -cp "services/apiserver/target/test-classes:services/apiserver/target/classes:$(cat "$work/classpath")" \
  io.dekube.apiserver.openapi.KubeDescriptionsGenerator "$work/cdk8s-plus-32-2.5.92/package/lib/imports/k8s.d.ts" \
  "$work/kubernetes-models-4.5.1/package" "$work/kubernetes-models-apimachinery-2.2.0/package" "$out"

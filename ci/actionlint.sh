#!/usr/bin/env bash
# Validate the GitHub Actions workflow with actionlint, fetched from the Go
# module proxy (no binary download). Prints one summary line.
set -euo pipefail
cd "$(dirname "$0")/.."
version=v1.7.12
if go run "github.com/rhysd/actionlint/cmd/actionlint@${version}" -color=false ci/github/nativetls.yml; then
	echo "summary: actionlint ${version}: ci/github/nativetls.yml ok"
else
	echo "summary: actionlint ${version}: ci/github/nativetls.yml has problems (see above)"
	exit 1
fi

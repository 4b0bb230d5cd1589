#!/usr/bin/env bash
# Installs s3front for the GitHub Action (action.yml): a released binary,
# checked against the release's checksums.txt, or, with version "source",
# built with Go from the action's own checkout. Adds it to GITHUB_PATH.
#
# Inputs (environment): INPUT_VERSION (latest, vX.Y.Z or source),
# RUNNER_TEMP, GITHUB_PATH, GITHUB_ACTION_PATH; S3FRONT_RELEASES overrides
# the releases URL (forks, mirrors, tests).
set -euo pipefail

version="${INPUT_VERSION:-latest}"
dest="${RUNNER_TEMP:?RUNNER_TEMP is not set}/s3front/bin"
releases="${S3FRONT_RELEASES:-https://github.com/s3front/s3front/releases}"
mkdir -p "$dest"

if [ "$version" = source ]; then
  echo "building s3front from ${GITHUB_ACTION_PATH:?GITHUB_ACTION_PATH is not set}"
  (cd "$GITHUB_ACTION_PATH" && go build -trimpath -o "$dest/s3front" ./cmd/s3front)
else
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) echo "::error::s3front: no release for $(uname -s); use version: source"; exit 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) echo "::error::s3front: no release for $(uname -m); use version: source"; exit 1 ;;
  esac
  # Archive names carry no version (.goreleaser.yaml), so "latest" has a
  # stable URL.
  asset="s3front_${os}_${arch}.tar.gz"
  if [ "$version" = latest ]; then
    url="$releases/latest/download"
  else
    case "$version" in v*) ;; *) version="v$version" ;; esac
    url="$releases/download/$version"
  fi
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  curl -fsSL --retry 3 -o "$tmp/$asset" "$url/$asset"
  curl -fsSL --retry 3 -o "$tmp/checksums.txt" "$url/checksums.txt"
  if ! grep -E "^[0-9a-f]{64}  $asset\$" "$tmp/checksums.txt" > "$tmp/expected"; then
    echo "::error::s3front: $asset is not listed in checksums.txt of $url"
    exit 1
  fi
  if ! (cd "$tmp" && sha256sum -c --status expected); then
    echo "::error::s3front: $asset does not match its checksum in checksums.txt; not installed"
    exit 1
  fi
  tar -xzf "$tmp/$asset" -C "$tmp" s3front
  install -m 0755 "$tmp/s3front" "$dest/s3front"
fi

echo "$dest" >> "${GITHUB_PATH:?GITHUB_PATH is not set}"
"$dest/s3front" --version

#!/usr/bin/env bash
# Builds the single NativeAOT binary: artifacts/bin/border.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null; then
  echo "publish.sh: the .NET 10 SDK is needed to build border (dotnet not found on PATH)" >&2
  exit 2
fi

dotnet publish Border.App/Border.App.csproj -c Release -o artifacts/bin --nologo -v quiet
echo "built $(pwd)/artifacts/bin/border ($(stat -c %s artifacts/bin/border) bytes)"

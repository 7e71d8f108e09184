#!/usr/bin/env bash
# Packs what a bare Linux x86-64 NVIDIA machine (no internet, no Node) needs to run the benchmark on its GPU
# through onnxruntime-node's WebGPU provider (Dawn over Vulkan), into one folder under 64 MiB:
#   node.xz            this machine's Node binary (x86-64 Linux)
#   app.tar.xz         dist/ (bench + engine) and node_modules trimmed to onnxruntime-node's linux-x64 files
#   debs/*.deb         the Vulkan loader and glvnd libraries (apt-get download; unpacked there with dpkg -x)
#   run.sh             unpacks and runs the bench there (see run.sh)
# Usage: scripts/gpu-bench/pack.sh [OUT_DIR]   (default .gpu-bundle, git-ignored)
# Then copy OUT_DIR to the GPU machine and run `bash OUT_DIR/run.sh [RESULT_DIR]` there.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out=$(realpath -m "${1:-$root/.gpu-bundle}")
[ "$(uname -sm)" = "Linux x86_64" ] || { echo "pack.sh must run on Linux x86-64 (its node binary travels)"; exit 1; }

cd "$root"
node scripts/build.mjs bench bench-segments engine-worker
rm -rf "$out" && mkdir -p "$out/debs"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# the app: bundled JS plus the one native dependency the bench loads
mkdir -p "$stage/app/dist" "$stage/app/node_modules"
cp dist/bench.js dist/bench-segments.js dist/engine-worker.js "$stage/app/dist/"
cp -r resources "$stage/app/resources"
rm -rf "$stage/app/resources/models"   # the bench makes an SD1.5-sized random checkpoint there instead
ort=node_modules/onnxruntime-node
mkdir -p "$stage/app/$ort/bin/napi-v6/linux"
cp -r "$ort/package.json" "$ort/dist" "$stage/app/$ort/"
cp -r "$ort/bin/napi-v6/linux/x64" "$stage/app/$ort/bin/napi-v6/linux/"
cp -r node_modules/onnxruntime-common "$stage/app/node_modules/"
tar -C "$stage" -cJf "$out/app.tar.xz" app

xz -9 -T0 -c "$(command -v node)" > "$out/node.xz"
(cd "$out/debs" && apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 >/dev/null)
cp scripts/gpu-bench/run.sh "$out/run.sh"
du -sh "$out"
total=$(du -sb "$out" | cut -f1)
[ "$total" -lt $((64 * 1024 * 1024)) ] || { echo "bundle is over 64 MiB ($total bytes)"; exit 1; }
echo "bundle ready: $out ($total bytes)"

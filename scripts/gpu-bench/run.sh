#!/usr/bin/env bash
# Runs on the GPU machine, from a bundle made by pack.sh: installs the Vulkan/glvnd libraries, points the
# Vulkan loader at the NVIDIA driver's ICD, and benchmarks an SD1.5-sized random-weight model at 512×512,
# 50 DDIM steps, modes baseline / cached / dato / prune on the WebGPU provider. JSON goes to RESULT_DIR.
# Usage: bash run.sh [RESULT_DIR] [extra bench flags…]   (BENCH_EP / BENCH_SIZE / BENCH_STEPS / BENCH_MODES
# override the defaults webgpu / 512 / 50 / baseline,cached,dato,prune)
set -euo pipefail
bundle=$(cd "$(dirname "$0")" && pwd)
results=$(realpath -m "${1:-$bundle/results}"); shift || true
work=${DATO_GPU_WORK:-/tmp/dato-gpu}
mkdir -p "$work" "$results"

for deb in "$bundle"/debs/*.deb; do dpkg -x "$deb" /; done
ldconfig
if [ -z "${VK_DRIVER_FILES:-}" ]; then
  for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
    [ -f "$icd" ] && export VK_DRIVER_FILES=$icd && break
  done
fi
[ -f /usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json ] && export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json

xz -dc "$bundle/node.xz" > "$work/node" && chmod +x "$work/node"
tar -C "$work" -xJf "$bundle/app.tar.xz"
(nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv || true) | tee "$results/gpu.txt"

cd "$work/app"
export DATO_CACHE_DIR="$work/cache"
# where a step's time goes: each UNet segment (plain and DaTo-pruned) and the whole UNet, with a per-op profile
if [ "${BENCH_SEGMENTS:-1}" = 1 ]; then
  "$work/node" dist/bench-segments.js --random-sd15 --width "${BENCH_SIZE:-512}" --height "${BENCH_SIZE:-512}" \
    --ep "${BENCH_EP:-webgpu}" --runs 10 --profile --json "$results/gpu-segments.json" 2>&1 | tail -n 40 | tee "$results/gpu-segments.log"
fi
"$work/node" dist/bench.js --random-sd15 --width "${BENCH_SIZE:-512}" --height "${BENCH_SIZE:-512}" --steps "${BENCH_STEPS:-50}" \
  --modes "${BENCH_MODES:-baseline,cached,dato,prune}" --ep "${BENCH_EP:-webgpu}" --keep-sessions --json "$results/gpu-bench.json" "$@" \
  2>&1 | tee "$results/gpu-bench.log"

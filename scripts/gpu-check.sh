#!/usr/bin/env bash
# A real GPU (issue 14): tfjs-webgpu's training step (batch 1024) and reverse step (20k and 200k particles)
# on Dawn for Node, no browser and no network needed; then, where a browser and node_modules are at hand,
# the scene cells (default link, GAN on 8 Gaussians) at 20k and 200k particles in headless Chromium.
#
#   scripts/gpu-check.sh --bundle          build .gpu-check/ (gpu-check.mjs + dawn.node, ~25 MB) from
#                                          node_modules; copy that folder (or the repo) to the GPU machine
#   scripts/gpu-check.sh [options]         run it (bundles first when .gpu-check/ is missing)
#
# Options: --quick (batch 128, 500 / 2k particles, shorter scene boxes), --swiftshader (Chromium's
# SwiftShader Vulkan driver instead of the machine's: a software check on a machine without a GPU),
# --no-scenes (only the Dawn part); --batch N, --particles N,M and --box S go to the Node script.
# On a GPU server the vendor's Vulkan driver serves; it needs the Vulkan loader (libvulkan.so.1).
set -euo pipefail
cd "$(dirname "$0")/.."
out=.gpu-check

bundle() {
  node_modules/.bin/esbuild scripts/gpu-check.ts --bundle --platform=node --format=esm --target=node20 \
    --minify --log-level=warning --outfile="$out/gpu-check.mjs" \
    --banner:js="import { createRequire as __gpuCheckRequire } from 'node:module'; const require = __gpuCheckRequire(import.meta.url);"
  # The webgpu package loads dist/<platform>-<arch>/dawn.node next to its own file: the bundle's folder now.
  # Only this machine's build (~21 MB; all of them would not fit the 64 MiB a device machine carries).
  local target
  target=$(node -p "process.platform + '-' + (process.platform === 'darwin' ? 'universal' : process.arch)")
  rm -rf "$out/dist" && mkdir -p "$out/dist/$target"
  cp "node_modules/webgpu/dist/$target/dawn.node" "$out/dist/$target/"
  echo "bundled: $(du -sh "$out" | cut -f1) in $out/ (gpu-check.mjs $(du -h "$out/gpu-check.mjs" | cut -f1))" >&2
}

quick=()
scenes=1
pass=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --bundle) bundle; shift; [[ $# -eq 0 ]] && exit 0 ;;
    --quick) quick=(--quick); pass+=(--quick); shift ;;
    --swiftshader)
      export VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json
      export LD_LIBRARY_PATH="/usr/lib/chromium${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
      shift ;;
    --no-scenes) scenes=0; shift ;;
    --batch|--particles|--box) pass+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
done

if [[ ! -f "$out/gpu-check.mjs" ]]; then
  if [[ -d node_modules/webgpu ]]; then bundle; else echo "no $out/gpu-check.mjs and no node_modules to build it: run scripts/gpu-check.sh --bundle where npm ci ran" >&2; exit 1; fi
fi
if [[ -z "${VK_ICD_FILENAMES:-}${VK_DRIVER_FILES:-}" ]] && ! ldconfig -p 2>/dev/null | grep -q libvulkan.so.1; then
  echo "note: no libvulkan.so.1 in the loader cache; Dawn needs the Vulkan loader (apt-get install libvulkan1) and the vendor's ICD" >&2
fi

echo "## gpu-check on $(uname -n), $(date -u +%Y-%m-%dT%H:%MZ)"
command -v nvidia-smi >/dev/null && nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader | sed 's/^/GPU: /'
echo
node "$out/gpu-check.mjs" ${pass[@]+"${pass[@]}"}

echo
chromium="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ $scenes -eq 1 && -x "$chromium" && -d node_modules/playwright-core ]]; then
  npx tsx scripts/bench-browser.ts --scenes 20000,200000 ${quick[@]+"${quick[@]}"}
else
  echo "Scene cells: not run ($([[ $scenes -eq 0 ]] && echo '--no-scenes' || echo "they need $chromium and node_modules here"))."
fi

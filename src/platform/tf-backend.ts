/**
 * Picks the tfjs backend at start: webgpu, else webgl, else wasm, else cpu, and says which and why.
 *
 * On WebGPU the app creates the GPUDevice itself and hands the same device to tfjs and to three.js,
 * so particle positions computed by tfjs can be copied GPU-to-GPU into the buffers three draws from
 * (see docs/design.md). Browser-only (uses navigator.gpu and Vite `?url` imports).
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { webglFloat32Problem } from './webgl-float32';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKEND_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** The outcome of backend selection. */
export interface BackendChoice {
  readonly name: BackendName;
  /** The whole story for the HUD's tooltip: the backend, its detail, then why each earlier one was skipped ("; "-separated). */
  readonly reason: string;
  /** A few words for the HUD: the backend and what it runs on, e.g. "webgpu (nvidia hopper)" or "wasm (WebAssembly SIMD on the CPU)". */
  readonly short: string;
  /** The backends that broke while starting (the names of {@link failed}, in order). */
  readonly failedNames: readonly BackendName[];
  /** The shared device when name is 'webgpu', else null. */
  readonly device: GPUDevice | null;
  /** Why each earlier backend was skipped. */
  readonly skipped: readonly string[];
  /**
   * The subset of `skipped` that broke while starting (a failed fetch of the wasm files, a device that
   * could not be created), as opposed to being absent or software-only; the app shows these as messages.
   */
  readonly failed: readonly string[];
  /** True when the math runs on the CPU (wasm, cpu, or a software GPU adapter that was asked for). */
  readonly software: boolean;
}

/** A backend that is absent or deliberately passed over (no adapter, software only): not a failure. */
class Unavailable extends Error {}

/** Renderer string of WebGL2 (unmasked when allowed), or null without WebGL2. */
function webglRenderer(): string | null {
  if (typeof document === 'undefined') return null;
  const gl = document.createElement('canvas').getContext('webgl2');
  if (gl === null) return null;
  const ext = gl.getExtension('WEBGL_debug_renderer_info');
  const name = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  gl.getExtension('WEBGL_lose_context')?.loseContext();
  return name;
}

const SOFTWARE_GL = /swiftshader|llvmpipe|softpipe|software/i;

/** Creates a GPUDevice with every feature and the largest limits the adapter offers. @throws Error with the reason. */
async function createSharedDevice(): Promise<{ device: GPUDevice; info: GPUAdapterInfo | undefined; fallback: boolean }> {
  if (typeof navigator === 'undefined' || !('gpu' in navigator)) throw new Unavailable('navigator.gpu is missing (browser without WebGPU)');
  const adapter = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (adapter === null) throw new Unavailable('no WebGPU adapter');
  const limits: Record<string, number> = {};
  for (const key of ['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup', 'maxStorageBuffersPerShaderStage'] as const) {
    limits[key] = adapter.limits[key];
  }
  const device = await adapter.requestDevice({ requiredFeatures: [...adapter.features] as GPUFeatureName[], requiredLimits: limits });
  const info = 'info' in adapter ? (adapter.info as GPUAdapterInfo) : undefined;
  const fallback = Boolean((adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ?? (info as unknown as { isFallbackAdapter?: boolean } | undefined)?.isFallbackAdapter);
  return { device, info, fallback };
}

async function tryBackend(name: BackendName, forced: boolean): Promise<{ device: GPUDevice | null; detail: string; brief: string; software: boolean }> {
  if (name === 'webgpu') {
    const { device, info, fallback } = await createSharedDevice();
    if (fallback && !forced) {
      device.destroy();
      throw new Unavailable('software adapter only, slower than wasm');
    }
    tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new WebGPUBackend(device, info));
    // Small tensors would otherwise run on the CPU and break GPU-resident particle buffers.
    tf.env().set('WEBGPU_CPU_FORWARD', false);
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs could not start webgpu');
    const vendor = [info?.vendor, info?.architecture].filter(Boolean).join(' ') || 'unknown GPU';
    const brief = `${vendor}${fallback ? ', software adapter' : ''}`;
    return { device, detail: `${brief}; one device shared with three.js`, brief, software: fallback };
  }
  if (name === 'webgl') {
    const renderer = webglRenderer();
    if (renderer === null) throw new Unavailable('no WebGL2');
    if (SOFTWARE_GL.test(renderer) && !forced) throw new Unavailable(`software renderer only (${SOFTWARE_GL.exec(renderer)?.[0] ?? 'software'}), slower than wasm`);
  }
  if (name === 'wasm') prepareWasm();
  let started: boolean;
  try {
    started = await tf.setBackend(name);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new Error(name === 'wasm' ? `its WebAssembly files could not be loaded (${why})` : why);
  }
  // tfjs reports a failed initialisation (e.g. the .wasm files missing) as false, with the cause only in the console.
  if (!started) throw new Error(name === 'wasm' ? 'its WebAssembly files could not be loaded' : `tfjs could not start ${name}`);
  if (name === 'webgl') {
    // Half-float WebGL gives NaN on every training step: skip it with a message (a failure, so the HUD says so).
    const problem = webglFloat32Problem({ renderFloat32Capable: tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE'), renderFloat32Enabled: tf.env().getBool('WEBGL_RENDER_FLOAT32_ENABLED') });
    if (problem !== null && !forced) throw new Error(problem);
  }
  const software = name !== 'webgl' || SOFTWARE_GL.test(webglRenderer() ?? '');
  const detail = name === 'webgl' ? 'WebGL2 textures' : name === 'wasm' ? 'WebAssembly SIMD on the CPU' : 'plain JavaScript';
  return { device: null, detail, brief: detail, software };
}

/** Points tfjs's wasm backend at the bundled .wasm files, single-threaded (the page and the training worker alike). */
function prepareWasm(): void {
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  setWasmPaths({ 'tfjs-backend-wasm.wasm': wasmUrl, 'tfjs-backend-wasm-simd.wasm': wasmSimdUrl, 'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedUrl });
}

/**
 * Starts tfjs on wasm exactly as the page does (single-threaded, the bundled files): the training
 * worker's backend (app/train-worker). @throws Error when the WebAssembly files cannot be loaded.
 */
export async function startWasmBackend(): Promise<void> {
  prepareWasm();
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not start wasm (its WebAssembly files could not be loaded)');
  await tf.ready();
}

/** Parses a `?backend=` override; returns null for absent, throws RangeError naming the allowed values. */
export function parseBackendOverride(value: string | null): BackendName | null {
  if (value === null || value === '') return null;
  if ((BACKEND_ORDER as readonly string[]).includes(value)) return value as BackendName;
  throw new RangeError(`unknown backend '${value.slice(0, 20)}': use one of ${BACKEND_ORDER.join(', ')}`);
}

/**
 * Starts the first backend that works, in the order webgpu, webgl, wasm, cpu (from `first` on when
 * given). A GPU backend whose adapter is software (SwiftShader, llvmpipe) is skipped in favour of
 * wasm, which is faster on a CPU, unless it is `first`; so is a WebGL backend without float32 render
 * targets (see webgl-float32.ts: it would give NaN on every training step). Backends in `avoid` (lost twice in a row, see
 * app/device-recovery) are skipped. Never throws: cpu always works.
 */
export async function initTfBackend(first: BackendName | null = null, avoid: readonly string[] = []): Promise<BackendChoice> {
  const fromFirst = first === null ? BACKEND_ORDER : BACKEND_ORDER.slice(BACKEND_ORDER.indexOf(first));
  // cpu is never avoided: it always works.
  const order = fromFirst.filter((b) => b === 'cpu' || !avoid.includes(b));
  const skipped: string[] = first === null ? [] : BACKEND_ORDER.slice(0, BACKEND_ORDER.indexOf(first)).map((b) => `${b}: skipped by ?backend=${first}`);
  for (const b of fromFirst) if (!order.includes(b)) skipped.push(`${b}: lost twice in a row, skipped`);
  const failed: string[] = [];
  const failedNames: BackendName[] = [];
  for (const name of order) {
    try {
      const { device, detail, brief, software } = await tryBackend(name, name === first);
      await tf.ready();
      const why = skipped.length > 0 ? `; ${skipped.join('; ')}` : '';
      return { name, device, skipped, failed, failedNames, software, short: `${name} (${brief})`, reason: `${name} (${detail})${why}` };
    } catch (e) {
      const line = `${name}: ${e instanceof Error ? e.message : String(e)}`;
      skipped.push(line);
      if (!(e instanceof Unavailable)) {
        failed.push(line);
        failedNames.push(name);
      }
    }
  }
  await tf.setBackend('cpu');
  return { name: 'cpu', device: null, skipped, failed, failedNames, software: true, short: 'cpu (plain JavaScript)', reason: `cpu (${skipped.join('; ')})` };
}

/**
 * Whether tfjs's WebGL backend computes in float32 (issue 16). Without float32 render targets
 * (EXT_color_buffer_float) tfjs falls back to half-float textures: 11 bits of mantissa and a largest
 * value of 65504, so training overflows to NaN on every step and the time embedding loses its phase.
 * Pure (no DOM, no tfjs), so the decision is unit-tested in Node.
 */

/** The two tfjs flags read after the WebGL backend started. */
export interface WebglFloatFlags {
  /** tfjs `WEBGL_RENDER_FLOAT32_CAPABLE`: the device can render to float32 textures. */
  readonly renderFloat32Capable: boolean;
  /** tfjs `WEBGL_RENDER_FLOAT32_ENABLED`: tfjs will use them (capable and not forced to float16). */
  readonly renderFloat32Enabled: boolean;
}

/**
 * Why the WebGL backend should be skipped, or null when it computes in float32.
 * @returns one line for the HUD's "tfjs backend webgl: ..." message.
 */
export function webglFloat32Problem(flags: WebglFloatFlags): string | null {
  if (!flags.renderFloat32Capable) return 'this GPU cannot render to float32 textures, so tfjs would compute in half floats (NaN while training); skipped';
  if (!flags.renderFloat32Enabled) return 'float32 textures are turned off (WEBGL_RENDER_FLOAT32_ENABLED), so tfjs would compute in half floats (NaN while training); skipped';
  return null;
}

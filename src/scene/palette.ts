/**
 * Colours of the scene, from d3-scale-chromatic (colour maps are not ours to write).
 * time: a perceptual map from data (t = 0) to noise (t = T); cluster: a categorical scheme.
 */
import { interpolatePlasma, schemeTableau10 } from 'd3-scale-chromatic';
import { Color } from 'three/webgpu';

/** Theme colours of the stage. */
export const THEME = { background: 0x0b0f1e, grid: 0x2a3358, data: 0xbfd4ff } as const;

/**
 * Colour of diffusion time tau = t / T in [0, 1]: warm at the data end, cool violet at the noise end.
 * Writes into `out` (no allocation per frame).
 */
export function timeColor(tau: number, out: Color): Color {
  const clamped = Math.min(1, Math.max(0, tau));
  // plasma from yellow (data) to deep violet (noise), avoiding its darkest end on a dark background.
  return out.setStyle(interpolatePlasma(0.95 - 0.7 * clamped));
}

/** Categorical colour of cluster `label` (cycles through Tableau10). */
export function clusterColor(label: number, out: Color): Color {
  return out.setStyle(schemeTableau10[label % schemeTableau10.length]);
}

/** Per-particle RGB (linear) colours of the given labels, [N, 3] row-major, for an instanced attribute. */
export function clusterColors(labels: Uint16Array): Float32Array {
  const out = new Float32Array(labels.length * 3);
  const table = schemeTableau10.map((c) => new Color().setStyle(c));
  for (let i = 0; i < labels.length; i++) {
    const c = table[labels[i] % table.length];
    out[3 * i] = c.r;
    out[3 * i + 1] = c.g;
    out[3 * i + 2] = c.b;
  }
  return out;
}

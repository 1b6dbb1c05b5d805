/**
 * Colours of the scene, from d3-scale-chromatic (colour maps are not ours to write).
 * time: a perceptual map from data (t = 0) to noise (t = T); cluster: a categorical scheme.
 */
import { interpolateInferno, interpolateMagma, interpolateRdBu, interpolateViridis, interpolatePlasma, schemeTableau10 } from 'd3-scale-chromatic';
import { Color } from 'three/webgpu';

/** Theme colours of the stage (the dark theme). */
export const THEME = { background: 0x0b0f1e, grid: 0x2a3358, data: 0xbfd4ff, dataOpacity: 0.22 } as const;

/** The stage's two themes: dark (glowing, additive particles) and light (for projectors and print; normal blending). */
export type ThemeName = 'dark' | 'light';
export interface StageTheme {
  readonly background: number;
  readonly grid: number;
  /** The data points' colour and opacity (under the particles). */
  readonly data: number;
  readonly dataOpacity: number;
  /** Particles and trails add up (glow) on a dark stage; on a light one they are painted over it. */
  readonly additive: boolean;
}
export const THEMES: Record<ThemeName, StageTheme> = {
  dark: { ...THEME, additive: true },
  // Light: a saturated deep blue, nearly opaque, so that the data reads on a projector (not a pale grey).
  light: { background: 0xf7f7f2, grid: 0xc9ccd8, data: 0x1646b8, dataOpacity: 0.6, additive: false },
};

/** The theme time colours are drawn for (set by the presentation controls through {@link setPaletteTheme}). */
let paletteTheme: ThemeName = 'dark';
/** Chooses the theme {@link timeColor} draws for. */
export function setPaletteTheme(name: ThemeName): void {
  paletteTheme = name;
}
/** The theme set by {@link setPaletteTheme} (the critic surface takes its styles from it). */
export function currentPaletteTheme(): ThemeName {
  return paletteTheme;
}


/**
 * Colour of diffusion time tau = t / T in [0, 1]: warm at the data end, cool violet at the noise end.
 * Writes into `out` (no allocation per frame).
 */
export function timeColor(tau: number, out: Color): Color {
  const clamped = Math.min(1, Math.max(0, tau));
  // plasma from yellow (data) to deep violet (noise), avoiding its darkest end on a dark background;
  // on a light background from orange to deep blue, avoiding the pale yellow end instead.
  if (paletteTheme === 'light') return out.setStyle(interpolatePlasma(0.78 - 0.72 * clamped));
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

/**
 * The field heat maps' colour maps, t in [0, 1] -> CSS colour: the dark part of perceptual maps from
 * d3-scale-chromatic (viridis up to green, magma and inferno up to red), so that the particles, drawn
 * bright on top, stay visible: log-density in cool colours, |score| and the error in warm ones.
 */
export const HEAT_COLORMAPS = {
  'log-density': (t: number) => interpolateViridis(0.75 * t),
  'score-norm': (t: number) => interpolateMagma(0.72 * t),
  error: (t: number) => interpolateInferno(0.7 * t),
} as const satisfies Record<string, (t: number) => string>;

const lutCache = new Map<(t: number) => string, Uint8Array>();

/** A 256-entry sRGB lookup table of a colour map, [256, 3] bytes (cached per map). */
export function colormapLut(colormap: (t: number) => string): Uint8Array {
  let lut = lutCache.get(colormap);
  if (lut === undefined) {
    lut = new Uint8Array(256 * 3);
    const c = new Color();
    for (let i = 0; i < 256; i++) {
      const hex = c.setStyle(colormap(i / 255)).getHex(); // back to sRGB
      lut[3 * i] = (hex >> 16) & 255;
      lut[3 * i + 1] = (hex >> 8) & 255;
      lut[3 * i + 2] = hex & 255;
    }
    lutCache.set(colormap, lut);
  }
  return lut;
}

/** Made on first use, after main.ts has settled colour management (off on software rendering). */
let critic: readonly [Color, Color, Color] | null = null;
const scratch = new Color();

/** The light theme's critic map keeps to this middle part of d3's RdBu (its darkest ends would look muddy). */
const LIGHT_CRITIC_SPAN = 0.6;

/**
 * The dark theme's critic map: orange, dark navy, a mid blue (not sky blue: the data drawn magenta on the
 * critic surface's "real" hilltop must stand out from it by luminance too; issue 15).
 */
function criticDark(u: number): string {
  critic ??= [new Color('#a8492a'), new Color('#161b33'), new Color('#1b4f8a')];
  const [low, mid, high] = critic;
  return u < 0.5 ? scratch.lerpColors(low, mid, 2 * u).getStyle() : scratch.lerpColors(mid, high, 2 * u - 1).getStyle();
}

/** One map per theme, each the same function object every time (the heat map's lookup tables and the legend key on it). */
const CRITIC_MAPS: Record<ThemeName, (t: number) => string> = {
  dark: (t) => criticDark(Math.min(1, Math.max(0, t))),
  light: (t) => interpolateRdBu(0.5 + LIGHT_CRITIC_SPAN * (Math.min(1, Math.max(0, t)) - 0.5)),
};

/**
 * The discriminator / critic colour map of the current theme, t in [0, 1] -> CSS colour: warm where the
 * critic says "generated" (t = 0), neutral at indifference (t = 1/2, where D = 1/2 at the GAN equilibrium),
 * blue where it says "real" (t = 1). Dark theme: orange, dark navy, mid blue (dark in the middle, so the
 * glowing particles stay visible). Light theme: d3-scale-chromatic's diverging RdBu (red, white, blue),
 * its middle {@link LIGHT_CRITIC_SPAN}, so that the map stays light where the particles are drawn dark.
 */
export function criticColor(t: number): string {
  return CRITIC_MAPS[paletteTheme](t);
}

/** {@link criticColor} of the current theme as a colour map that changes identity with the theme (for caches keyed on the map). */
export function criticColormap(): (t: number) => string {
  return CRITIC_MAPS[paletteTheme];
}

/**
 * WCAG 2 relative luminance of an sRGB colour (0xRRGGBB), in [0, 1]: 0.2126 R + 0.7152 G + 0.0722 B of
 * the linearised channels (WCAG 2.x, "relative luminance").
 */
export function relativeLuminance(hex: number): number {
  const channel = (shift: number): number => {
    const c = ((hex >> shift) & 255) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

/** WCAG 2 contrast ratio of two sRGB colours (0xRRGGBB), in [1, 21]: (L_light + 0.05) / (L_dark + 0.05). */
export function contrastRatio(a: number, b: number): number {
  const la = relativeLuminance(a) + 0.05;
  const lb = relativeLuminance(b) + 0.05;
  return Math.max(la, lb) / Math.min(la, lb);
}

/** An sRGB hex (0xRRGGBB) of a CSS colour (as d3-scale-chromatic's maps return them: "#rrggbb" or "rgb(r, g, b)"). */
export function cssToHex(css: string): number {
  if (css.startsWith('#')) return Number.parseInt(css.slice(1, 7), 16);
  const [r, g, b] = (css.match(/\d+(\.\d+)?/g) ?? ['0', '0', '0']).map((v) => Math.round(Number(v)));
  return (r << 16) | (g << 8) | b;
}

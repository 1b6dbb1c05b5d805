/**
 * The critic surface's colours per theme (issue 15: the white data could not be told from the pale-yellow
 * generated points on the surface's rim; on the light theme it vanished on the pale surface). WCAG 2
 * contrast ratios of what is on screen: the data against the generated points (palette.timeColor at the
 * data end, tau = 0) and against the surface where the data lies (the critic's "real" half, t in [1/2, 1],
 * composited over the stage at the sheet's opacity), and hue apart from both.
 */
import { Color } from 'three/webgpu';
import { afterEach, describe, expect, it } from 'vitest';
import { SURFACE_OPACITY, SURFACE_STYLES } from '../src/scene/landscape-surface';
import { contrastRatio, criticColor, cssToHex, relativeLuminance, setPaletteTheme, THEMES, timeColor, type ThemeName } from '../src/scene/palette';

/** Least WCAG contrast of the data against particles and surface: the light theme meets 3:1 (WCAG's non-text minimum); the dark one, whose particles glow near white, 2.4:1 with a hue apart. */
const MIN_CONTRAST: Record<ThemeName, number> = { dark: 2.4, light: 3 };
/** Least hue difference, degrees, of the data from the particles and from the surface's colours. */
const MIN_HUE_APART = 50;

/** `top` drawn at alpha over `bottom`, sRGB hex (per channel, as the canvas blends). */
function over(top: number, alpha: number, bottom: number): number {
  let out = 0;
  for (const shift of [16, 8, 0]) out |= Math.round(alpha * ((top >> shift) & 255) + (1 - alpha) * ((bottom >> shift) & 255)) << shift;
  return out;
}

/** Hue of an sRGB hex, degrees in [0, 360). */
function hue(hex: number): number {
  const hsl = { h: 0, s: 0, l: 0 };
  new Color().setHex(hex).getHSL(hsl);
  return hsl.h * 360;
}

function hueApart(a: number, b: number): number {
  const d = Math.abs(hue(a) - hue(b)) % 360;
  return Math.min(d, 360 - d);
}

afterEach(() => setPaletteTheme('dark'));

describe('contrast helpers (WCAG 2)', () => {
  it('luminance and contrast ratio of black and white are the closed forms', () => {
    expect(relativeLuminance(0xffffff)).toBeCloseTo(1, 6);
    expect(relativeLuminance(0x000000)).toBe(0);
    expect(contrastRatio(0xffffff, 0x000000)).toBeCloseTo(21, 6);
    expect(contrastRatio(0x777777, 0x777777)).toBe(1);
    // #767676 on white is WCAG's well-known 4.54:1
    expect(contrastRatio(0x767676, 0xffffff)).toBeCloseTo(4.54, 2);
    expect(cssToHex('rgb(27, 79, 138)')).toBe(0x1b4f8a);
    expect(cssToHex('#f040e0')).toBe(0xf040e0);
  });
});

describe('the critic surface tells data, generated points and surface apart', () => {
  for (const theme of ['dark', 'light'] as const) {
    it(`${theme} theme: data vs generated points and vs the surface where the data lies`, () => {
      setPaletteTheme(theme);
      const style = SURFACE_STYLES[theme];
      const data = style.data.color;
      const particles = timeColor(0, new Color()).getHex();
      const stage = THEMES[theme].background;
      expect(contrastRatio(data, particles)).toBeGreaterThanOrEqual(MIN_CONTRAST[theme]);
      expect(hueApart(data, particles)).toBeGreaterThanOrEqual(MIN_HUE_APART);
      for (const t of [0.5, 0.625, 0.75, 0.875, 1]) {
        const surface = over(cssToHex(criticColor(t)), SURFACE_OPACITY, stage);
        expect(contrastRatio(data, surface), `t = ${t}`).toBeGreaterThanOrEqual(MIN_CONTRAST[theme]);
      }
      for (const t of [0, 1]) expect(hueApart(data, cssToHex(criticColor(t))), `t = ${t}`).toBeGreaterThanOrEqual(MIN_HUE_APART);
      // Drawn larger than the particles' default and opaque.
      expect(style.data.size).toBeGreaterThan(3);
      expect(style.data.opacity).toBe(1);
    });
  }

  it('the light grid is dark enough to outline the near-white flat parts of the surface against the stage', () => {
    const lines = SURFACE_STYLES.light.lines;
    const drawn = over(lines.color, lines.opacity, THEMES.light.background);
    expect(contrastRatio(drawn, THEMES.light.background)).toBeGreaterThan(1.4);
    // The dark grid dimmer than before (0.13), so the points on the rim are not lost in it.
    expect(SURFACE_STYLES.dark.lines.opacity).toBeLessThan(0.13);
  });
});

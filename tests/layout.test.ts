import { describe, expect, it } from 'vitest';
import { freeArea } from '../src/ui/layout';

const rect = (left: number, top: number, right: number, bottom: number) => ({ left, top, right, bottom });

describe('freeArea (where the stage frames the data)', () => {
  it('1280 x 720 GAN layout: right of the HUD, left of the settings, above the GAN panel only', () => {
    const area = freeArea(1280, 720, {
      left: [rect(16, 14, 486, 262)], // HUD
      right: [rect(974, 0, 1266, 720)], // settings
      // legend + chart at the bottom left (left of the band: ignored), GAN panel bottom-centre (in the band)
      bottom: [rect(16, 420, 460, 480), rect(16, 492, 286, 706), rect(430, 494, 962, 706)],
    });
    expect(area).toEqual({ left: 498, top: 0, right: 962, bottom: 482 });
  });

  it('ignores hidden (empty) panels and keeps a non-negative rectangle', () => {
    expect(freeArea(800, 600, { left: [rect(0, 0, 0, 0)], right: [], bottom: [rect(10, 10, 10, 10)] })).toEqual({ left: 0, top: 0, right: 800, bottom: 600 });
    const squeezed = freeArea(300, 200, { left: [rect(0, 0, 250, 100)], right: [rect(100, 0, 300, 200)], bottom: [] });
    expect(squeezed.right).toBeGreaterThanOrEqual(squeezed.left);
  });
});

describe('freeArea: the largest free rectangle (issue 15 item 4)', () => {
  const overlaps = (a: ReturnType<typeof rect>, b: ReturnType<typeof rect>): boolean => a.left < b.right && a.right > b.left && a.top < b.bottom && a.bottom > b.top;

  it('1920 x 1080 GAN layout: the tall column left of the GAN panel beats the wide band above it', () => {
    const area = freeArea(1920, 1080, {
      left: [rect(16, 14, 400, 300)], // HUD
      right: [rect(1596, 14, 1906, 1066)], // settings
      bottom: [rect(16, 860, 816, 1066), rect(1100, 700, 1584, 1066)], // chart, GAN panel
    });
    // The band above the GAN panel fits a box 688 px high; the column left of it one 804 px high.
    expect(area).toEqual({ left: 412, top: 0, right: 1088, bottom: 848 });
  });

  it('1280 x 720 score-model layout: right of the HUD and above the plots that reach under it', () => {
    const area = freeArea(1280, 720, {
      left: [rect(16, 14, 400, 330)],
      right: [rect(956, 14, 1266, 706)],
      bottom: [rect(16, 518, 800, 706)],
    });
    expect(area).toEqual({ left: 412, top: 0, right: 944, bottom: 506 });
  });

  it('never overlaps a panel (nor comes within the gap of one), over 300 random layouts', () => {
    let seed = 7;
    const next = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let trial = 0; trial < 300; trial++) {
      const panels = Array.from({ length: 1 + Math.floor(next() * 5) }, () => {
        const left = Math.floor(next() * 1100);
        const top = Math.floor(next() * 600);
        return rect(left, top, left + 40 + Math.floor(next() * 400), top + 40 + Math.floor(next() * 300));
      });
      const area = freeArea(1280, 720, { left: panels.slice(0, 1), right: panels.slice(1, 2), bottom: panels.slice(2) });
      expect(area.right).toBeGreaterThanOrEqual(area.left);
      expect(area.bottom).toBeGreaterThanOrEqual(area.top);
      if (area.right > area.left) {
        const grown = { left: area.left - 11, top: area.top - 11, right: area.right + 11, bottom: area.bottom + 11 };
        for (const p of panels) expect(overlaps(grown, p)).toBe(false);
      }
    }
  });
});

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

/**
 * Where the stage is not covered by panels: the free rectangle between the left column (the HUD on top,
 * legends and plots at the bottom) and the settings panel on the right, above whichever bottom panels
 * reach into that band (the GAN panel). The stage frames its default view there (scene/stage.setFreeArea),
 * so that the data is not drawn under a panel at 1280 x 720 or 1920 x 1080.
 */

/** A rectangle in CSS pixels of the viewport. */
export interface Area {
  readonly left: number;
  readonly top: number;
  readonly right: number;
  readonly bottom: number;
}

/** Gap kept between the data and a panel, CSS pixels. */
const GAP = 12;

/**
 * The free area of a `width` x `height` viewport given the panels' rectangles (empty ones, of hidden
 * elements, are ignored): left of every panel in `right` (the settings), right of every panel in `left`
 * (the HUD column), and above the panels in `bottom` that overlap the band between them horizontally.
 * Pure: tested without a DOM.
 */
export function freeArea(width: number, height: number, panels: { left: readonly Area[]; right: readonly Area[]; bottom: readonly Area[] }): Area {
  const shown = (r: Area): boolean => r.right > r.left && r.bottom > r.top;
  let left = 0;
  for (const r of panels.left.filter(shown)) left = Math.max(left, r.right + GAP);
  let right = width;
  for (const r of panels.right.filter(shown)) right = Math.min(right, r.left - GAP);
  let bottom = height;
  for (const r of panels.bottom.filter(shown)) {
    if (r.right > left && r.left < right) bottom = Math.min(bottom, r.top - GAP);
  }
  return { left, top: 0, right: Math.max(left, right), bottom: Math.max(0, bottom) };
}

/**
 * Calls `onChange` with the free area now and whenever the window or one of the panels changes size.
 * @param panels elements by role (see {@link freeArea}); for containers, their children are measured.
 * @returns a function that stops watching.
 */
export function watchFreeArea(panels: { left: readonly Element[]; right: readonly Element[]; bottom: readonly Element[] }, onChange: (area: Area) => void): () => void {
  const rects = (els: readonly Element[]): Area[] =>
    els.flatMap((e) => (e.children.length > 0 && getComputedStyle(e).pointerEvents === 'none' ? Array.from(e.children) : [e])).map((e) => e.getBoundingClientRect());
  const update = (): void => onChange(freeArea(innerWidth, innerHeight, { left: rects(panels.left), right: rects(panels.right), bottom: rects(panels.bottom) }));
  const observer = new ResizeObserver(update);
  for (const e of [...panels.left, ...panels.right, ...panels.bottom]) {
    observer.observe(e);
    for (const c of Array.from(e.children)) observer.observe(c);
  }
  addEventListener('resize', update);
  update();
  return () => {
    observer.disconnect();
    removeEventListener('resize', update);
  };
}

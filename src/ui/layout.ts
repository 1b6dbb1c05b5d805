/**
 * Where the stage is not covered by panels: the largest free rectangle between the panels (the HUD top
 * left, legends and plots bottom left, the GAN panel bottom right, the settings on the right), chosen
 * so that the data, about as wide as high, is drawn as large as it can be. The stage frames its default
 * view there (scene/stage.setFreeArea), so that the data is not drawn under a panel at 1280 x 720 or
 * 1920 x 1080; toasts and the record progress are centred over it (CSS variables --free-*).
 * Panels can be collapsed to a small button ({@link makeCollapsible}).
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

/** The width-to-height ratio of the data's default framing (scene/stage: VIEW_HALF_WIDTH / VIEW_HALF_HEIGHT). */
const DATA_ASPECT = 2.7 / 3.2;

/**
 * The free area of a `width` x `height` viewport given the panels' rectangles (empty ones, of hidden
 * elements, are ignored): of the rectangles whose edges are the viewport's or a panel's (GAP away) and
 * that no panel overlaps, the one where a box of aspect DATA_ASPECT fits largest (ties: the larger area).
 * The roles (`left`, `right`, `bottom`) are kept for the callers; every panel is an obstacle alike.
 * Pure: tested without a DOM. With no free rectangle at all it returns a zero-width one at the left.
 */
export function freeArea(width: number, height: number, panels: { left: readonly Area[]; right: readonly Area[]; bottom: readonly Area[] }): Area {
  const shown = [...panels.left, ...panels.right, ...panels.bottom].filter((r) => r.right > r.left && r.bottom > r.top);
  const lefts = [0, ...shown.map((r) => r.right + GAP)].filter((x) => x >= 0 && x < width);
  const rights = [width, ...shown.map((r) => r.left - GAP)].filter((x) => x > 0 && x <= width);
  const tops = [0, ...shown.map((r) => r.bottom + GAP)].filter((y) => y >= 0 && y < height);
  const bottoms = [height, ...shown.map((r) => r.top - GAP)].filter((y) => y > 0 && y <= height);
  // Panels grown by GAP less a pixel: a rectangle may touch a grown panel's edge, not enter it.
  const grown = shown.map((r) => ({ left: r.left - GAP + 1, top: r.top - GAP + 1, right: r.right + GAP - 1, bottom: r.bottom + GAP - 1 }));
  let best: Area | null = null;
  let bestFit = -1;
  let bestArea = -1;
  for (const left of lefts) {
    for (const right of rights) {
      if (right <= left) continue;
      for (const top of tops) {
        for (const bottom of bottoms) {
          if (bottom <= top) continue;
          if (grown.some((r) => r.left < right && r.right > left && r.top < bottom && r.bottom > top)) continue;
          const fit = Math.min((right - left) / DATA_ASPECT, bottom - top);
          const area = (right - left) * (bottom - top);
          if (fit > bestFit || (fit === bestFit && area > bestArea)) {
            best = { left, top, right, bottom };
            bestFit = fit;
            bestArea = area;
          }
        }
      }
    }
  }
  return best ?? { left: 0, top: 0, right: 0, bottom: Math.max(0, height) };
}

/**
 * Calls `onChange` with the free area now and whenever the window or one of the panels changes size, and
 * writes it to the root element as CSS variables (--free-left, --free-top, --free-right, --free-bottom, in
 * px) for the toasts and the record progress, which are centred over it.
 * @param panels elements by role (see {@link freeArea}); for containers, their children are measured.
 * @returns a function that stops watching.
 */
export function watchFreeArea(panels: { left: readonly Element[]; right: readonly Element[]; bottom: readonly Element[] }, onChange: (area: Area) => void): () => void {
  const rects = (els: readonly Element[]): Area[] =>
    els.flatMap((e) => (e.children.length > 0 && getComputedStyle(e).pointerEvents === 'none' ? Array.from(e.children) : [e])).map((e) => e.getBoundingClientRect());
  const update = (): void => {
    const area = freeArea(innerWidth, innerHeight, { left: rects(panels.left), right: rects(panels.right), bottom: rects(panels.bottom) });
    const root = document.documentElement.style;
    for (const side of ['left', 'top', 'right', 'bottom'] as const) root.setProperty(`--free-${side}`, `${area[side]}px`);
    onChange(area);
  };
  const observer = new ResizeObserver(update);
  const observeAll = (): void => {
    for (const e of [...panels.left, ...panels.right, ...panels.bottom]) {
      observer.observe(e);
      for (const c of Array.from(e.children)) observer.observe(c);
    }
  };
  observeAll();
  // Panels come and go (the GAN panel, legends): watch the new ones too.
  const children = new MutationObserver(() => {
    observeAll();
    update();
  });
  for (const e of [...panels.left, ...panels.right, ...panels.bottom]) children.observe(e, { childList: true });
  addEventListener('resize', update);
  update();
  return () => {
    observer.disconnect();
    children.disconnect();
    removeEventListener('resize', update);
  };
}

/**
 * Gives `panel` a small button in its top-right corner that collapses it to that button (class
 * `collapsed`: every other child is hidden by style.css) and back; the free area grows and the stage
 * reframes. @param name what the panel is, for the button's label ("hide plots" / "plots").
 * @returns the button.
 */
export function makeCollapsible(panel: HTMLElement, name: string): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'panel-toggle';
  const show = (collapsed: boolean): void => {
    panel.classList.toggle('collapsed', collapsed);
    button.textContent = collapsed ? `▸ ${name}` : '–';
    button.title = collapsed ? `show the ${name}` : `hide the ${name}`;
    button.setAttribute('aria-expanded', String(!collapsed));
  };
  button.addEventListener('click', (e) => {
    e.stopPropagation();
    show(!panel.classList.contains('collapsed'));
  });
  show(false);
  panel.prepend(button);
  return button;
}

/**
 * Makes every panel put into `column` collapsible (those there now and those added later; see
 * {@link makeCollapsible}), each named by `nameOf(panel)` (null: left as it is).
 * @returns a function that stops watching the column.
 */
export function collapsiblePanels(column: HTMLElement, nameOf: (panel: HTMLElement) => string | null): () => void {
  const adopt = (): void => {
    for (const child of Array.from(column.children)) {
      if (!(child instanceof HTMLElement) || child.querySelector(':scope > .panel-toggle') !== null) continue;
      const name = nameOf(child);
      if (name !== null) makeCollapsible(child, name);
    }
  };
  const observer = new MutationObserver(adopt);
  observer.observe(column, { childList: true });
  adopt();
  return () => observer.disconnect();
}

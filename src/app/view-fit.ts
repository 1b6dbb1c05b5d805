/**
 * The re-point decision: after any change to the session (a new session, a rebuilt model, new
 * particles, new data, trails switched), which of the view's layers no longer fit what the session
 * holds. One decision for every path, so a change that rebuilds the network and the particle count at
 * once cannot leave a layer of the old count behind (issue 15, item 2).
 */

/** The shape of trails: K positions for each of M particles in D dimensions. */
export interface TrailShape {
  readonly length: number;
  readonly count: number;
  readonly dim: number;
}

/** What the session holds now, or what a set of layers was built for. Objects are compared by identity. */
export interface LayerSource {
  /** The particle state object (a rebuilt one restarts its versions, so the uploads must restart too). */
  readonly particles: object;
  /** Particles N. */
  readonly count: number;
  /** Dimension D of the particles and the data. */
  readonly dim: 2 | 3;
  /** Per-particle cluster labels [N] (the layer's colours). */
  readonly labels: Uint16Array;
  /** The data set drawn faintly under the particles. */
  readonly reference: object;
  /** The trails object and its shape, or null when trails are off. */
  readonly trails: (TrailShape & { readonly source: object }) | null;
}

/** The layers to rebuild. */
export interface Repoint {
  readonly particles: boolean;
  readonly data: boolean;
  readonly trails: boolean;
}

/** Whether two trail descriptions are the same trails object of the same shape (both null: both off). */
function sameTrails(a: LayerSource['trails'], b: LayerSource['trails']): boolean {
  if (a === null || b === null) return a === b;
  return a.source === b.source && a.length === b.length && a.count === b.count && a.dim === b.dim;
}

/**
 * Which layers differ from the session: the particle layer when the particle object, its count, the
 * dimension or the labels changed; the data layer when the data set or the dimension changed; the trail
 * layer when the trails object or its shape changed. `built` null (no layers yet): all of them.
 */
export function layersToRebuild(built: LayerSource | null, now: LayerSource): Repoint {
  if (built === null) return { particles: true, data: true, trails: now.trails !== null };
  const dim = built.dim !== now.dim;
  return {
    particles: dim || built.particles !== now.particles || built.count !== now.count || built.labels !== now.labels,
    data: dim || built.reference !== now.reference,
    trails: dim || !sameTrails(built.trails, now.trails),
  };
}

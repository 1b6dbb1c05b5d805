/** The game loop: fixed-timestep simulation, budgeted live training, interpolated rendering. */
export * from './clock';
export * from './game-loop';
export * from './gated-scheduler';
export * from './cadence';

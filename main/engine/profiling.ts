// What the developer tools in bench/ use of the engine's insides, in one place: the segment profiler times UNet
// segments it builds itself, and the speed benchmark writes an SD1.5-sized random checkpoint. The app, the CLI
// and the services never import this file (the linter allows them main/engine/index.ts only); bench/ runs the
// engine in its own process on purpose, to measure it.
export type { BuiltGraph, GraphVariant } from './models/sd1-model';
export { PRUNABLE_SEGMENTS, SEGMENT_ORDER } from './models/unet/partition';
export { writeRandomCheckpoint } from './weights/random-checkpoint';
export { SD15_CONFIG } from './weights/sd1-config';

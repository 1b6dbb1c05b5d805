/** The page of the Wasserstein scene's browser test: opens the scene on tfjs wasm and exposes it as window.__wass. */
import * as tf from '@tensorflow/tfjs';
import { openWassersteinScene } from '../../src/app/wasserstein-scene';
import { initTfBackend } from '../../src/platform/tf-backend';

const host = document.getElementById('host');
if (host === null) throw new Error('no #host');
await initTfBackend('wasm');
const tensorsBefore = tf.memory().numTensors;
const scene = openWassersteinScene(host, { theta: 1, loss: 'gan-minimax', train: false, seed: 1, theme: 'dark' });

/** Draws a recording frame of width x height and returns its pixels (RGBA). */
function frame(width: number, height: number): Uint8ClampedArray {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (ctx === null) throw new Error('no 2d context');
  scene.drawFrame(ctx, width, height);
  return ctx.getImageData(0, 0, width, height).data;
}

(window as unknown as { __wass: unknown }).__wass = { scene, frame, tensorsBefore, tensors: () => tf.memory().numTensors };

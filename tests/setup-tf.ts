// Every unit test runs tfjs on the wasm backend (single-threaded, deterministic, about 5x faster than cpu here).
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
await tf.setBackend('wasm');
await tf.ready();

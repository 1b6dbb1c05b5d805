// Issue 16.3: a WebGL backend without float32 render targets is skipped at start with a message.
import { describe, expect, it } from 'vitest';
import { webglFloat32Problem } from '../src/platform/webgl-float32';

describe('WebGL float32 capability', () => {
  it('passes a device that renders to float32 textures', () => {
    expect(webglFloat32Problem({ renderFloat32Capable: true, renderFloat32Enabled: true })).toBeNull();
  });

  it('skips a device without float32 render targets (half floats: NaN while training), saying why', () => {
    expect(webglFloat32Problem({ renderFloat32Capable: false, renderFloat32Enabled: false })).toBe(
      'this GPU cannot render to float32 textures, so tfjs would compute in half floats (NaN while training); skipped',
    );
  });

  it('skips float32 turned off by the flag, naming it', () => {
    expect(webglFloat32Problem({ renderFloat32Capable: true, renderFloat32Enabled: false })).toMatch(/^float32 textures are turned off \(WEBGL_RENDER_FLOAT32_ENABLED\)/);
  });
});

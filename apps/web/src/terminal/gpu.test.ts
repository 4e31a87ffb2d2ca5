import { describe, expect, it } from 'vitest';
import { isSoftwareRenderer } from './gpu';

describe('isSoftwareRenderer', () => {
  it('recognises the software rasterisers browsers fall back to', () => {
    for (const name of [
      'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
      'Google SwiftShader',
      'llvmpipe (LLVM 15.0.6, 256 bits)',
      'ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0)',
      'Mesa softpipe',
    ]) {
      expect(isSoftwareRenderer(name), name).toBe(true);
    }
  });

  it('keeps WebGL on real GPUs and when the browser does not say', () => {
    for (const name of [
      'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)',
      'Apple M2',
      'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)',
      'WebKit WebGL',
    ]) {
      expect(isSoftwareRenderer(name), name).toBe(false);
    }
    expect(isSoftwareRenderer(undefined)).toBe(false);
  });
});

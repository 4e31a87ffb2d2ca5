/**
 * Whether WebGL would be drawn by a software rasteriser. On machines without a usable GPU (virtual
 * machines, thin clients, browsers started with --disable-gpu) browsers still offer WebGL through
 * SwiftShader, llvmpipe or WARP, and xterm.js's WebGL renderer then draws several times slower than its
 * DOM renderer; the terminal keeps the DOM renderer there.
 */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|softpipe|software|basic render driver|lavapipe/i;

export function isSoftwareRenderer(renderer: string | undefined): boolean {
  return renderer !== undefined && SOFTWARE_RENDERERS.test(renderer);
}

/**
 * The name of the GPU (or rasteriser) WebGL 2 would draw with, or undefined when there is no WebGL 2 or
 * the browser does not tell. The probe's context is released at once.
 */
export function webglRendererName(doc: Document = document): string | undefined {
  try {
    const gl = doc.createElement('canvas').getContext('webgl2');
    if (!gl) return undefined;
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const name = info ? gl.getParameter(info.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER);
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return typeof name === 'string' ? name : undefined;
  } catch {
    return undefined;
  }
}

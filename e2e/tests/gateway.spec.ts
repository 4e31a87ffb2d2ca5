import { expect, OPEN_URL, test } from '../fixtures.js';

test('the gateway serves the page with a strict script policy', async ({ page }) => {
  const response = await page.goto(OPEN_URL());
  expect(response?.status()).toBe(200);
  const csp = response?.headers()['content-security-policy'] ?? '';
  const scriptSrc = csp.split(';').find((d) => d.trim().startsWith('script-src')) ?? '';
  expect(scriptSrc).toContain("'self'");
  expect(scriptSrc).not.toContain('unsafe-inline');
  expect(scriptSrc).not.toContain('unsafe-eval');
});

test('the target list names the configured hosts', async ({ request }) => {
  const response = await request.get(`${OPEN_URL()}/api/targets`);
  expect(response.ok()).toBe(true);
  const body = (await response.json()) as { targets: Array<{ id: string; label: string }> };
  expect(body.targets.map((t) => t.id)).toEqual(
    expect.arrayContaining(['busybox', 'inetutils', 'netkit', 'bbs', 'demo']),
  );
});

for (const path of ['/embed?target=demo', '/kiosk?target=demo']) {
  test(`serves the terminal page at ${path.split('?')[0]}`, async ({ page }) => {
    const response = await page.goto(`${OPEN_URL()}${path}`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toContain('text/html');
    await expect(page.locator('.xterm')).toBeVisible();
  });
}

test('keeps the DOM renderer where WebGL would be drawn in software', async ({ page }) => {
  // This Chromium runs with --disable-gpu: WebGL, if offered, is SwiftShader.
  await page.goto(`${OPEN_URL()}/?target=demo`);
  const gpu = await page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const info = gl?.getExtension('WEBGL_debug_renderer_info');
    return gl && info ? String(gl.getParameter(info.UNMASKED_RENDERER_WEBGL)) : 'no WebGL 2';
  });
  expect(gpu).toMatch(/SwiftShader|no WebGL 2/);
  await expect(page.locator('.xterm-rows')).toContainText('demo$');
  // The WebGL addon would have replaced the DOM rows by now.
  await page.waitForTimeout(1000);
  await expect(page.getByTestId('terminal')).toHaveAttribute('data-renderer', 'dom');
  await expect(page.locator('.xterm-rows')).toContainText('demo$');
});

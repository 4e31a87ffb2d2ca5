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

import { test as base, expect } from '@playwright/test';

/** Every test fails on a console error or an uncaught exception in the page. */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: [
    async ({ page }, use) => {
      const errors: string[] = [];
      page.on('console', (msg) => {
        if (msg.type() === 'error') errors.push(msg.text());
      });
      page.on('pageerror', (err) => errors.push(`uncaught: ${err.message}`));
      await use(errors);
      expect(errors, 'console errors during the test').toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export const OPEN_URL = () => process.env.TELGATE_E2E_URL!;
export const SECURED_URL = () => process.env.TELGATE_E2E_SECURED_URL!;
/** A gateway whose kiosk is locked down to Interrupt and a settings panel with the font size only. */
export const KIOSK_URL = () => process.env.TELGATE_E2E_KIOSK_URL!;
/** A gateway that records the netkit target and serves the recordings page to operator tokens. */
export const RECORDED_URL = () => process.env.TELGATE_E2E_RECORDED_URL!;

import { defineConfig } from '@playwright/test';
import { CHROMIUM_ARGS, DEBIAN_CHROMIUM } from '@telgate/test-peers';

/**
 * End-to-end tests in Debian's Chromium (never a downloaded browser) against the built gateway and web
 * app, with real telnet servers and scripted hosts on loopback started by the global setup.
 */
export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.ts',
  outputDir: './test-results',
  // Two cores: one browser at a time keeps timings sane for the hosts and the gateway.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.TELGATE_CHROMIUM ?? DEBIAN_CHROMIUM,
      args: [...CHROMIUM_ARGS],
    },
  },
});

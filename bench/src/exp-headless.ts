// Experiment (not committed): headless parse rate of the echo-flood stream vs the plain stream.
import { createRequire } from 'node:module';
import { floodSlices, STATUS_LINE_SETUP } from './workers/status-line-flood.js';
import { syntheticStream } from './stream.js';
const require = createRequire(import.meta.url + '/../../apps/gateway/package.json');
const req2 = createRequire(new URL('../../apps/gateway/package.json', import.meta.url));
const { Terminal } = req2('@xterm/headless');
const stream = syntheticStream(32 * 1048576, undefined, 5);
const slices = floodSlices(stream.unitData);
const flood = Buffer.concat([Buffer.from(STATUS_LINE_SETUP), ...Array.from({ length: 8 }, () => slices).flat()]);
const plain = Buffer.concat(Array.from({ length: 8 }, () => stream.unitData));
async function rate(name: string, data: Buffer, setup = '') {
  const t = new Terminal({ cols: 139, rows: 39, scrollback: 1000, allowProposedApi: true });
  if (setup) await new Promise<void>((r) => t.write(setup, r));
  const chunk = 64 * 1024;
  const start = performance.now();
  await new Promise<void>((resolve) => {
    for (let o = 0; o < data.length; o += chunk) {
      const last = o + chunk >= data.length;
      t.write(data.subarray(o, Math.min(data.length, o + chunk)), last ? resolve : undefined);
    }
  });
  const s = (performance.now() - start) / 1000;
  console.log(name, (data.length / 1048576).toFixed(1), 'MiB', (data.length / 1048576 / s).toFixed(1), 'MiB/s');
  t.dispose();
}
for (let k = 0; k < 2; k++) {
  await rate('flood (region)', flood);
  await rate('flood (full screen)', flood.subarray(STATUS_LINE_SETUP.length));
  await rate('plain stream', plain);
}

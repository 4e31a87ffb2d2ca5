// Loaded into the gateway under measurement with `node --expose-gc --import <this file>`: plain
// JavaScript, so the gateway runs from its build with no loader in between. Over the IPC channel it
// answers `{ type: 'memory', gc }` with the process's memory, after a full collection when `gc` is set
// (heap figures are then live objects, not garbage awaiting collection). It ends the gateway if the
// benchmark that started it goes away.

process.on('message', (message) => {
  if (message?.type !== 'memory') return;
  if (message.gc && typeof globalThis.gc === 'function') {
    globalThis.gc();
    globalThis.gc();
  }
  const { rss, heapUsed, heapTotal, external, arrayBuffers } = process.memoryUsage();
  process.send?.({ type: 'memory', rss, heapUsed, heapTotal, external, arrayBuffers });
});
process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
// The channel alone must not keep the gateway running once it has shut down.
process.channel?.unref();

import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isListeningOn, isProcessAlive, listProcessTree } from './process-tree.js';

describe('isListeningOn', () => {
  it('sees a listening socket only on its port and only while it is open', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(isListeningOn(process.pid, port)).toBe(true);
    expect(isListeningOn(process.pid, port === 65535 ? 1 : port + 1)).toBe(false);
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(isListeningOn(process.pid, port)).toBe(false);
  });
});

describe('listProcessTree', () => {
  it('is empty for a process that does not exist', () => {
    const unused = 2 ** 22 + 1; // Above Linux's largest pid_max.
    expect(listProcessTree(unused)).toEqual([]);
    expect(isProcessAlive(unused)).toBe(false);
  });

  it('does not take in the foreign process group of a root that leads none', () => {
    // This test process is not a group leader under Vitest; its group's other members are not its own.
    const tree = listProcessTree(process.pid);
    expect(tree).toContain(process.pid);
    expect(tree).not.toContain(process.ppid);
  });
});

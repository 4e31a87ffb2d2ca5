// Prints one hash over the names and contents of the files and directories given (directories walked,
// node_modules, dist and dot-entries skipped): what scripts/telgate.sh compares to skip unchanged work.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SKIPPED = new Set(['node_modules', 'dist', 'coverage', 'test-results']);
const hash = createHash('sha256');

function add(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    hash.update(`missing ${path}\0`);
    return;
  }
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) {
      if (name.startsWith('.') || SKIPPED.has(name) || name.endsWith('.tsbuildinfo')) continue;
      add(join(path, name));
    }
    return;
  }
  hash.update(`file ${path}\0`);
  hash.update(readFileSync(path));
  hash.update('\0');
}

for (const path of process.argv.slice(2)) add(path);
process.stdout.write(hash.digest('hex'));

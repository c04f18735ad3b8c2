/** `npm run docs:settings`: rewrites README.md's settings table and action.yml's inputs from the settings table. */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { withActionInputs, withSettingsTable } from '../src/config/settings-docs.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readme = join(root, 'README.md');
const action = join(root, 'action.yml');
await writeFile(readme, withSettingsTable(await readFile(readme, 'utf8')));
await writeFile(action, withActionInputs(await readFile(action, 'utf8')));
console.log('README.md and action.yml rewritten from src/config/settings.ts');

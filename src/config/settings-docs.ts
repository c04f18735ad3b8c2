import { stringify } from 'yaml';
import { flagName, type Setting, settingFileKey, settings } from './settings.js';

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, '\\|');

function flagOf(setting: Setting): string {
  const { flag } = setting.sources;
  if (!flag) return '';
  const argument = setting.argument ? ` ${setting.argument.replace(/[<>]/g, '').toUpperCase()}` : '';
  const spec = code(`${flagName(setting)}${argument}`);
  return Array.isArray(flag) ? `${spec} (${flag.join(', ')})` : spec;
}

/** The README's settings table: every setting with its flag, input, file key, variable and default. */
export function renderSettingsTable(): string {
  const rows = settings.map((s) =>
    [
      flagOf(s),
      s.sources.input ? code(s.name) : '',
      s.sources.file && !s.secret ? code(`${s.section}.${settingFileKey(s)}`) : '',
      s.sources.env ? code(`$${s.sources.env}`) : '',
      cell(s.defaultText),
      cell(s.description),
    ].join(' | '),
  );
  return [
    '| flag | Action input | `.afterburner.yml` | environment | default | meaning |',
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((row) => `| ${row} |`),
  ].join('\n');
}

/** action.yml's `inputs:` block. No input has a default there but the token: a default is passed as if it had been
 * set, and would hide `.afterburner.yml`. */
export function renderActionInputs(): string {
  const inputs = Object.fromEntries(
    settings
      .filter((s) => s.sources.input)
      .map((s) => {
        const description = `${s.description[0]?.toUpperCase()}${s.description.slice(1)}. Default: ${s.defaultText}.`;
        return [
          s.name,
          {
            description,
            required: false,
            ...(s.name === 'github-token' ? { default: s.defaultText } : {}),
          },
        ];
      }),
  );
  return stringify({ inputs }, { lineWidth: 0 });
}

export const settingsBegin =
  '<!-- settings: generated from src/config/settings.ts by `npm run docs:settings` -->';
export const settingsEnd = '<!-- end of settings -->';

/** The README with its settings table replaced by the table's current rendering. */
export function withSettingsTable(readme: string): string {
  const begin = readme.indexOf(settingsBegin);
  const end = readme.indexOf(settingsEnd);
  if (begin < 0 || end < begin) throw new Error('README.md has no settings markers');
  return `${readme.slice(0, begin + settingsBegin.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}

/** action.yml with its inputs replaced by the table's. */
export function withActionInputs(actionYml: string): string {
  const begin = actionYml.indexOf('\ninputs:\n');
  const end = actionYml.indexOf('\noutputs:\n');
  if (begin < 0 || end < begin) throw new Error('action.yml has no inputs: … outputs: blocks');
  return `${actionYml.slice(0, begin + 1)}${renderActionInputs()}${actionYml.slice(end + 1)}`;
}

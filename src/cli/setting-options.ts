import { type Command, Option } from 'commander';
import { camelCase, type FlagCommand, flagName, settings } from '../config/settings.js';

function hasFlag(sources: { flag?: boolean | readonly FlagCommand[] }, command: FlagCommand): boolean {
  return sources.flag === true || (Array.isArray(sources.flag) && sources.flag.includes(command));
}

/**
 * The settings table's flags on one command. No flag carries a commander default: a flag that is absent must
 * leave `.afterburner.yml` and the environment in force (resolveRunConfig layers them), so defaults are only told.
 */
export function addSettingOptions(command: Command, name: FlagCommand): Command {
  for (const setting of settings) {
    if (!hasFlag(setting.sources, name)) continue;
    const spec = `${flagName(setting)}${setting.argument ? ` ${setting.argument}` : ''}`;
    const option = new Option(spec, `${setting.description} (default: ${setting.defaultText})`);
    if (setting.choices) option.choices(setting.choices);
    command.addOption(option);
  }
  return command;
}

/** The settings given on the command line, by setting name (flags left out are not in it). */
export function givenSettings(command: Command, name: FlagCommand): Map<string, unknown> {
  const given = new Map<string, unknown>();
  for (const setting of settings) {
    if (!hasFlag(setting.sources, name)) continue;
    const attribute = camelCase(setting.name);
    if (command.getOptionValueSource(attribute) === 'cli')
      given.set(setting.name, command.getOptionValue(attribute));
  }
  return given;
}

import type { Command } from 'commander';

/** A command module adds its subcommand(s) to the program. Actions must throw CliError/IssueError for bad input. */
export type Registrar = (program: Command) => void;

/**
 * The subcommand group `name` (e.g. `eval`, `train`), created on first use: several modules add
 * subcommands to the same group without knowing about each other.
 */
export function commandGroup(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  return program.command(name).description(description);
}

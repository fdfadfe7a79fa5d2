import type { Command } from 'commander';

/** A command module adds its subcommand(s) to the program. Actions must throw CliError/IssueError for bad input. */
export type Registrar = (program: Command) => void;

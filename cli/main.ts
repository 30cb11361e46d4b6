/** The `cloudtrail-sigma` command: parses arguments and hands off to one command module. */
import { parseArgs } from 'node:util';
import type { ParseArgsConfig } from 'node:util';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEVELS } from '../lambda/sigma/index.ts';
import type { Level } from '../lambda/sigma/index.ts';
import { FORMATS } from './render/formats.ts';
import type { Format } from './render/formats.ts';
import { EXIT, UsageError } from './exitCodes.ts';
import { visibleControls } from './output.ts';
import { PROJECT_ROOT, readPlaceholders } from './rulesSource.ts';
import { scan } from './commands/scan.ts';
import { CHECK_FORMATS, LIST_FORMATS, rulesCheck, rulesList, rulesNavigator, rulesReport } from './commands/rules.ts';
import type { CheckFormat, ListFormat } from './commands/rules.ts';
import { replay } from './commands/replay.ts';
import { REPLAY_FLAGS, readReplayOptions } from './replay/options.ts';
import { redrive } from './commands/redrive.ts';
import { REDRIVE_FLAGS, readRedriveOptions } from './redrive/options.ts';

const VERSION = (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/** One usage entry per command: its synopsis (wrapped) and what it does. `--help` after a command prints its own. */
const USAGE: readonly { readonly command: string; readonly text: string }[] = [
  { command: 'scan', text: `  cloudtrail-sigma scan PATH… [--rules DIR]… [--placeholders F] [--min-level LEVEL] [--format FORMAT] [--output FILE]
                   [--strict]
      Run the detection pipeline on local files/folders (gzip or plain JSON, deliveries, arrays, NDJSON).` },
  { command: 'rules check', text: `  cloudtrail-sigma rules check [--rules DIR]… [--placeholders F] [--format text|jsonl]
      Compile rules and report each as ok, unsupported or invalid, with the reason.` },
  { command: 'rules list', text: `  cloudtrail-sigma rules list [--rules DIR]… [--format table|jsonl]
      List the rules (filters applied): id, title, level, status, tags and the eventNames each one watches.` },
  { command: 'rules report', text: `  cloudtrail-sigma rules report --out DIR [--rules DIR]…
      Write a static HTML catalog: an ATT&CK coverage matrix and a page per rule.` },
  { command: 'rules navigator', text: `  cloudtrail-sigma rules navigator [--out FILE] [--rules DIR]…
      Write a MITRE ATT&CK Navigator layer scoring techniques by their number of rules (stdout without --out).` },
  { command: 'replay', text: `  cloudtrail-sigma replay --bucket NAME --prefix PREFIX [--since DAY] [--until DAY] [--accounts A,B] [--regions R,S]
                   [--concurrency N] [--rules DIR]… [--min-level LEVEL] [--format FORMAT] [--output FILE]
                   [--publish --topic-arn ARN [--dedup-table NAME]] [--resume] [--checkpoint FILE]
      Run the pipeline over CloudTrail objects in S3 (AWS SDK configuration: profile, region, AWS_ENDPOINT_URL_S3…).
      --since/--until take delivery days (YYYY-MM-DD, the date in the key), inclusive; --concurrency defaults to
      the number of cores; an interrupted or partly failed replay continues with --resume.
  cloudtrail-sigma replay --remote --state-machine ARN --bucket NAME --prefix PREFIX
      Start the deployed Step Functions backfill on the prefix and follow it until it ends.` },
  { command: 'redrive', text: `  cloudtrail-sigma redrive --queue URL [--topic-arn ARN] [--dedup-table NAME] [--rules DIR]… [--strict]
      Reprocess the objects in the detector's failure queue (FailureQueueUrl) and publish their alerts; delete the
      messages whose objects all succeed, report the others with the reason. --topic-arn defaults to ALERT_TOPIC_ARN.` },
];

const OPTIONS_HELP = `Options:
  --rules DIR        Sigma rules folder (repeatable); default: the bundled rules
  --placeholders F   YAML file of values for the expand modifier's %name% placeholders (scan, rules check)
  --min-level LEVEL  ${LEVELS.join(' | ')} (default informational)
  --format FORMAT    scan: ${FORMATS.join(' | ')} (default table); rules check: ${CHECK_FORMATS.join(' | ')}; rules list: ${LIST_FORMATS.join(' | ')}
  --out PATH         rules report: the catalog folder; rules navigator: the layer file
  --output FILE      write matches to FILE instead of stdout
  --strict           stop with exit 2 when a rule does not compile
  -h, --help         this help (after a command: that command's)
  -v, --version      the version

Exit status: 0 finished; 1 finished but some inputs failed (named on stderr); 2 usage error or --strict rule errors.
`;

/** The whole help, or the entries of the command named by the positionals (`scan`, `rules`, `rules check`…). */
function help(positionals: readonly string[]): string {
  // An entry is named when each of its words the positionals reach is the positional there.
  const entries = positionals.length ? USAGE.filter((u) => u.command.split(' ').every((word, i) => i >= positionals.length || positionals[i] === word)) : [];
  const shown = entries.length ? entries : USAGE;
  return `cloudtrail-sigma ${VERSION} — Sigma detections over CloudTrail logs\n\nUsage:\n${shown.map((u) => u.text).join('\n')}\n\n${OPTIONS_HELP}`;
}

function choice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${choices.join(', ')} (got '${value}')`);
  return value as T;
}

const OPTIONS = {
  rules: { type: 'string', multiple: true },
  placeholders: { type: 'string' },
  'min-level': { type: 'string' },
  format: { type: 'string' },
  output: { type: 'string' },
  out: { type: 'string' },
  strict: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
  ...REPLAY_FLAGS,
  ...REDRIVE_FLAGS,
} satisfies ParseArgsConfig['options'];

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
  if (values.version) {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.OK;
  }
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(help(positionals));
    return values.help ? EXIT.OK : EXIT.USAGE;
  }
  switch (command) {
    case 'scan':
      if (rest.length === 0) throw new UsageError('scan needs at least one PATH');
      return scan({
        paths: rest,
        rules: values.rules ?? [],
        minLevel: choice<Level>('min-level', values['min-level'], LEVELS, 'informational'),
        format: choice<Format>('format', values.format, FORMATS, 'table'),
        output: values.output,
        strict: values.strict ?? false,
        ...(values.placeholders ? { placeholders: readPlaceholders(values.placeholders) } : {}),
      });
    case 'replay':
      return replay(readReplayOptions(values, rest, {
        minLevel: choice<Level>('min-level', values['min-level'], LEVELS, 'informational'),
        format: choice<Format>('format', values.format, FORMATS, 'table'),
      }));
    case 'redrive':
      return redrive(readRedriveOptions(values, rest));
    case 'rules': {
      const [sub] = rest;
      const rules = values.rules ?? [];
      if (sub === 'check') {
        const placeholders = values.placeholders ? readPlaceholders(values.placeholders) : undefined;
        return rulesCheck({ rules, format: choice<CheckFormat>('format', values.format, CHECK_FORMATS, 'text'), ...(placeholders ? { placeholders } : {}) });
      }
      if (sub === 'list') return rulesList({ rules, format: choice<ListFormat>('format', values.format, LIST_FORMATS, 'table') });
      if (sub === 'navigator') return rulesNavigator({ rules, out: values.out });
      if (sub !== 'report') throw new UsageError(`unknown rules subcommand '${sub ?? ''}' (expected: check, list, report, navigator)`);
      if (!values.out) throw new UsageError('rules report needs --out DIR');
      return rulesReport({ rules, out: values.out });
    }
    default:
      throw new UsageError(`unknown command '${command}'`);
  }
}

// A consumer that stops reading (`| head`) ends the run quietly, as for any Unix filter.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code !== 'EPIPE') throw err;
  process.exit(process.exitCode ?? EXIT.OK);
});

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (err) {
  const usage = err instanceof UsageError || (err as NodeJS.ErrnoException).code?.startsWith('ERR_PARSE_ARGS');
  process.stderr.write(`cloudtrail-sigma: ${visibleControls((err as Error).message)}\n${usage ? "Run 'cloudtrail-sigma --help' for usage.\n" : ''}`);
  process.exitCode = usage ? EXIT.USAGE : EXIT.INPUTS_FAILED;
}

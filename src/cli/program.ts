import { Command } from 'commander'
import { buildVersion } from '../main/core/version'
import type { CommandBody, GlobalOptions } from './context'
import { EXIT_CODE_TABLE } from './exit-codes'

/**
 * The `courier` command line (issue 20): every command, its arguments, options and help, in one place.
 * Commands' bodies are loaded when they run, so `--help` and the docs generator stay light.
 * `docs/cli.md` is generated from this (`npm run docs:cli`); a test keeps the two equal.
 */
export type Runner = (globals: GlobalOptions, body: CommandBody) => Promise<void>

const INPUTS_HELP = 'key=value (text, or a number for a number input), key:=<json>, key=@file (uploaded first; key=@@x for the text "@x")'

export const EXAMPLES = [
  'courier deployments demo',
  'courier run demo/"Dreamscape SDXL" positive_prompt="a lighthouse at dusk" steps=20 --seed random',
  'courier run demo/"Every Input" input_image=@photo.png --out ./renders',
  'courier run comfydeploy/my-flux prompt="a fox" --n 4 --max-cost 0.50 --json > run.ndjson',
  'courier watch <run>',
  'courier ls --status failed --limit 5',
  'courier grid demo/"Dreamscape SDXL" --x "seed=1,2,3" --y "steps=10-30 (+10)" positive_prompt="a fox"',
  'courier export "lighthouse" ./share --strip',
]

export const EXIT_CODES_HELP = ['Exit codes:', ...EXIT_CODE_TABLE.map(([code, meaning]) => `  ${String(code).padEnd(4)} ${meaning}`)].join('\n')

export function buildProgram(run: Runner, opts: { helpWidth?: number } = {}): Command {
  const program = new Command('courier')
  // Before the commands are added, so each inherits it: a parse error throws (exit 2), never exits 1.
  program.exitOverride()
  if (opts.helpWidth !== undefined) program.configureHelp({ helpWidth: opts.helpWidth })
  program
    .version(buildVersion, '-V, --version', 'print the version')
    .description(
      'Comfy Courier from a terminal and in scripts: runs land in the same library, with provenance and cost, and show live in the app when it is open on the same data folder.',
    )
    .option('--data-dir <dir>', 'the data folder (default: $COURIER_DATA_DIR, else ~/.comfy-courier)')
    .option('--library-dir <dir>', 'where outputs are saved, when this command runs its own core (default: the app\'s setting)')
    .option('--tunnel <mode>', 'how webhooks reach a core this command runs: off, localtunnel, ngrok or url (default: the app\'s setting)')
    .option('--json', 'output for programs: NDJSON events on stdout, then one summary line (the default when stdout is not a terminal)')
    .option('--verbose', "print the core's warnings and unexpected errors' stacks on stderr")
    .showHelpAfterError('(courier --help lists the commands; courier <command> --help its options)')
    .addHelpText('after', `\nExamples:\n${EXAMPLES.map((line) => `  ${line}`).join('\n')}\n\n${EXIT_CODES_HELP}\n`)

  const globals = (command: Command): GlobalOptions => command.optsWithGlobals<GlobalOptions>()
  const commands = () => import('./commands/runs')
  const library = () => import('./commands/library')

  const waitOptions = (command: Command): Command =>
    command
      .option('--no-wait', 'submit, print the run id and return at once')
      .option('--timeout <seconds>', 'stop waiting after this long (exit 124; the run goes on)')
      .option('--out <dir>', 'also copy the saved outputs to this folder')
      .option('--no-download', 'finish when the run ends at the service, without waiting for its files (saved to the library by the app, or by the next command on this data folder)')
      .option('--cancel-on-exit', 'Ctrl+C cancels the run at the service without asking')

  waitOptions(
    program
      .command('run')
      .description('submit a run and follow it to its saved files')
      .argument('<provider/deployment>', 'demo, comfydeploy or runcomfy, then the deployment by id or name (case-insensitive)')
      .argument('[inputs...]', INPUTS_HELP)
      .option('--inputs-file <file>', 'a JSON object of inputs (- reads standard input); inputs on the command line win')
      .option('--n <count>', 'variations: 2–16 runs with different seeds, as one batch')
      .option('--seed <n|random>', 'the seed input: a whole number, or random')
      .option('--yes', "accept the estimated cost without asking (needed for a paid run in a script)")
      .option('--max-cost <usd>', 'allow the run if its estimate is at most this many dollars'),
  ).action(async (target: string, inputs: string[], options, command: Command) => {
    await run(globals(command), async (ctx) => (await commands()).runCommand(ctx, target, inputs, options))
  })

  program
    .command('watch')
    .description('follow a run (submitted here, by the app or by another command) to its end, as run does')
    .argument('<run>', 'the run id (courier ls lists them)')
    .option('--timeout <seconds>', 'stop waiting after this long (exit 124; the run goes on)')
    .option('--out <dir>', 'also copy the saved outputs to this folder')
    .option('--no-download', 'finish when the run ends at the service, without waiting for its files')
    .option('--cancel-on-exit', 'Ctrl+C cancels the run at the service without asking')
    .action(async (id: string, options, command: Command) => {
      await run(globals(command), async (ctx) => (await commands()).watchCommand(ctx, id, options))
    })

  program
    .command('ls')
    .description('list recent runs, newest first')
    .option('--status <status>', 'only runs in this state: submitting, queued, running, succeeded, failed, cancelled, timed_out')
    .option('--limit <n>', 'how many (1–500, default 20)')
    .action(async (options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).lsCommand(ctx, options))
    })

  program
    .command('get')
    .description("show one run: its state, inputs, cost, error and saved files")
    .argument('<run>', 'the run id')
    .action(async (id: string, _options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).getCommand(ctx, id))
    })

  program
    .command('cancel')
    .description('cancel a run that has not ended')
    .argument('<run>', 'the run id')
    .action(async (id: string, _options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).cancelCommand(ctx, id))
    })

  program
    .command('deployments')
    .description("list a provider's deployments and the inputs each takes")
    .argument('<provider>', 'demo, comfydeploy or runcomfy')
    .action(async (provider: string, _options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).deploymentsCommand(ctx, provider))
    })

  waitOptions(
    program
      .command('grid')
      .description('a comparison grid: one run per combination of the axes\' values')
      .argument('<provider/deployment>', 'as for run')
      .argument('[inputs...]', 'the inputs every cell shares: key=value, key:=<json>, key=@file')
      .option(
        '--x <axis>',
        'input=values: a list (seed=1,2,3), a range with a step (steps=10-30 (+10)) or a count (cfg=4-8 [5]), every option of a choice (sampler=fill), random seeds (seed=random:5), or search/replace in the prompt (prompt=sr:dog,cat,fox)',
      )
      .option('--y <axis>', 'a second axis, as --x')
      .option('--z <axis>', 'a third axis (one page per value), as --x')
      .option('--yes', 'accept the estimated cost without asking')
      .option('--max-cost <usd>', 'allow the grid if its estimate is at most this many dollars'),
  ).action(async (target: string, inputs: string[], options, command: Command) => {
    await run(globals(command), async (ctx) => (await commands()).gridCommand(ctx, target, inputs, options))
  })

  program
    .command('import')
    .description('add a folder of pictures and videos to the library, indexed where they are (never copied)')
    .argument('<folder>', 'the folder (a ComfyUI output/, an A1111 outputs/, anything)')
    .action(async (folder: string, _options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).importCommand(ctx, folder))
    })

  program
    .command('inspect')
    .description('show how a file was made: prompt, seed, settings and workflow (ours, ComfyUI, A1111, SwarmUI, InvokeAI)')
    .argument('<file>', 'a picture or video')
    .action(async (file: string, _options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).inspectCommand(ctx, file))
    })

  program
    .command('export')
    .description('copy the outputs a search finds into a folder, named as downloads are, never overwriting')
    .argument('<query>', 'words to search prompts, deployment and file names for ("" or * for the newest outputs)')
    .argument('<dir>', 'the folder to copy to (made when missing; not inside the library)')
    .option('--strip', 'remove the prompt, seed and workflow from the copies')
    .option('--limit <n>', 'at most this many outputs (1–500, default 500)')
    .action(async (query: string, dir: string, options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).exportCommand(ctx, query, dir, options))
    })

  program
    .command('spend')
    .description('what runs cost: the last 30 days by day, or this month by provider and deployment')
    .option('--month', 'this month by provider (against its budget) and by deployment')
    .action(async (options, command: Command) => {
      await run(globals(command), async (ctx) => (await library()).spendCommand(ctx, options))
    })

  return program
}

// Lint = the architecture as rules (`npm run lint`, part of `npm test`). The import zones below are the
// layering of README.md § Layout; each message says which arrow a wrong import breaks. Type-aware rules
// (floating promises, exhaustive switches) run on the TypeScript files only, so the run stays fast.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import svelteParser from 'svelte-eslint-parser';
import tseslint from 'typescript-eslint';

/** Import specifiers are matched as written (relative), so every zone is a regex over the specifier. */
const NODE_ONLY = ['electron', 'better-sqlite3', 'sharp', 'onnxruntime-node', 'ws'];
const MAIN_LAYERS = '(engine|db|images|services|ipc|web|app|cli|common)';

/** `no-restricted-imports` with these patterns (the typescript-eslint variant, which knows `import type`). */
function restrict(patterns, paths = []) {
  return { '@typescript-eslint/no-restricted-imports': ['error', { patterns, paths }] };
}
const forbid = (regex, message, extra = {}) => ({ regex, message, ...extra });

const ELECTRON_ONLY_IN_SHELL = forbid('^electron$',
  "Only main/index.ts, main/app/ and main/ipc/ (and preload/index.ts) import 'electron': the rest runs in plain Node too.");
const ENGINE_ENTRY_ONLY = forbid(`(^|/)engine/(?!index$)`,
  'Outside main/engine, use the engine only through its entry main/engine/index.ts (model files are parsed in the engine process).');
const CONTRACT_ONLY_FROM_PRELOAD = forbid('(^|/)preload/(?!contract(/|$))',
  'Only the contract (preload/contract.ts, preload/contract/) is shared with preload; preload/index.ts is the preload bundle.');

export default tseslint.config(
  { ignores: ['dist/**', 'release/**', 'node_modules/**', 'resources/**', 'test/**', 'scripts/**', 'bin/**', '**/*.mjs', '**/*.cjs', '**/*.js'] },

  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],

  // ---------------------------------------------------------------- correctness, everywhere
  {
    files: ['**/*.ts', '**/*.svelte'],
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', {
        argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', destructuredArrayIgnorePattern: '^_', ignoreRestSiblings: true,
      }],
      // The codebase uses `!` after checks the compiler cannot follow (noUncheckedIndexedAccess).
      '@typescript-eslint/no-non-null-assertion': 'off',
      'no-undef': 'off', // TypeScript does this, with the right globals per tsconfig
      // The state classes assign new Maps/Sets to $state.raw fields wholesale; the local ones are scratch values.
      'svelte/prefer-svelte-reactivity': 'off',
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parser: svelteParser, parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
  // Type-aware rules: TypeScript files only (svelte components get the syntactic rules).
  {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      // A variable a closure reads before its one assignment (the window in main/index.ts) cannot be const.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },

  // ---------------------------------------------------------------- layering: who may import whom
  // renderer → its own code and the contract only (no main/, no preload bundle, nothing Node-only).
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.svelte'],
    rules: restrict([
      forbid('^(\\.\\./)+main/', 'The renderer talks to the app only through the contract (preload/contract.ts) and lib/api.'),
      CONTRACT_ONLY_FROM_PRELOAD,
      forbid('^node:', 'The renderer runs in a sandboxed page: no Node modules.'),
    ], NODE_ONLY.map((name) => ({ name, message: 'The renderer runs in a sandboxed page: no Node-only packages.' }))),
  },
  // preload/index.ts → 'electron' and the contract only.
  {
    files: ['preload/index.ts'],
    rules: restrict([
      forbid('^(?!electron$|\\./contract($|/))', 'The preload bundle imports only electron and ./contract (it runs sandboxed).'),
    ]),
  },
  // The contract imports nothing outside itself: the sandboxed preload, the renderer and the engine bundle it.
  {
    files: ['preload/contract.ts'],
    rules: restrict([forbid('^(?!\\./contract/)', 'The contract imports only its own folder (preload/contract/).')]),
  },
  {
    files: ['preload/contract/**/*.ts'],
    rules: restrict([forbid('^(?!\\./)', 'The contract imports only its own folder (preload/contract/).')]),
  },
  // Everything in main/ outside the engine → the engine's entry only; 'electron' only in the shell.
  {
    files: ['main/**/*.ts'],
    ignores: ['main/engine/**', 'main/index.ts', 'main/app/**', 'main/ipc/**'],
    rules: restrict([ENGINE_ENTRY_ONLY, CONTRACT_ONLY_FROM_PRELOAD, ELECTRON_ONLY_IN_SHELL]),
  },
  {
    files: ['main/index.ts', 'main/app/**/*.ts', 'main/ipc/**/*.ts'],
    rules: restrict([ENGINE_ENTRY_ONLY, CONTRACT_ONLY_FROM_PRELOAD]),
  },
  // main/db → SQLite, main/common and the contract's vocabulary; engine types through the entry (types only).
  {
    files: ['main/db/**/*.ts'],
    rules: restrict([
      ENGINE_ENTRY_ONLY, ELECTRON_ONLY_IN_SHELL,
      forbid('(^|/)engine/index$', 'main/db may use engine types only (import type).', { allowTypeImports: true }),
      forbid('^\\.\\./(images|services|ipc|web|app|cli)(/|$)', 'main/db is below images and services: it imports neither (shared file helpers are in main/common).'),
      forbid('(^|/)preload/(?!contract/vocabulary$)', 'main/db uses the contract\'s vocabulary only (preload/contract/vocabulary.ts).'),
    ]),
  },
  // main/images → files on disk; may record in the database, never calls services.
  {
    files: ['main/images/**/*.ts'],
    rules: restrict([
      ENGINE_ENTRY_ONLY, CONTRACT_ONLY_FROM_PRELOAD, ELECTRON_ONLY_IN_SHELL,
      forbid('^\\.\\./(services|ipc|web|app|cli)(/|$)', 'main/images never imports services (or the shells above them).'),
    ]),
  },
  // main/common → leaf helpers shared by db, images, services and the engine.
  {
    files: ['main/common/**/*.ts'],
    rules: restrict([
      forbid(`^\\.\\./${MAIN_LAYERS}(/|$)`, 'main/common is a leaf: it imports no other part of main/.'),
      forbid('(^|/)preload/(?!contract/vocabulary$)', 'main/common uses the contract\'s vocabulary only (preload/contract/vocabulary.ts).'),
      ELECTRON_ONLY_IN_SHELL,
    ]),
  },
  // main/engine → pure Node (worker thread, child process or utilityProcess): no app layers, no electron.
  {
    files: ['main/engine/**/*.ts'],
    rules: restrict([
      forbid('^(\\.\\./)+(db|images|services|ipc|web|app|cli)(/|$)', 'The engine is below the app: it never imports db, images, services or the shells.'),
      forbid('(^|/)preload/(?!contract/vocabulary$)', 'The engine uses the contract\'s vocabulary only (preload/contract/vocabulary.ts).'),
      forbid('^electron$', 'The engine runs in plain Node (worker thread, child process or utilityProcess): no electron.'),
    ]),
  },
  // Models build graphs, the runtime runs them; the graph builder knows nothing about SD.
  {
    files: ['main/engine/models/**/*.ts'],
    rules: restrict([
      forbid('(^|/)runtime/', 'Models build graphs; running them is main/engine/runtime (models never import it).'),
      forbid('^(\\.\\./)+(db|images|services|ipc|web|app|cli)(/|$)', 'The engine is below the app.'),
      forbid('(^|/)preload/(?!contract/vocabulary$)', 'The engine uses the contract\'s vocabulary only.'),
      forbid('^electron$', 'The engine runs in plain Node: no electron.'),
    ]),
  },
  {
    files: ['main/engine/graph/**/*.ts'],
    rules: restrict([
      forbid('^(\\.\\./)+(models|accel|pipeline|runtime|schedulers)(/|$)', 'The graph builder has no SD knowledge: models, samplers and the runtime build on it, never the reverse.'),
      forbid('(^|/)preload/', 'The graph builder has no app knowledge.'),
      forbid('^electron$', 'The engine runs in plain Node: no electron.'),
    ]),
  },
  // bench/ runs the engine in its own process to measure it; the model, weights and graph code it needs (segment
  // graphs, the random SD1.5 checkpoint) comes through main/engine/profiling.ts.
  {
    files: ['bench/**/*.ts'],
    rules: restrict([
      forbid('(^|/)engine/(weights|graph|models)/', 'bench/ reaches model, weights and graph code only through main/engine/profiling.ts.'),
    ]),
  },
);

import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';
import { readdirSync } from 'node:fs';

// The layering rules, each with the message that teaches it (docs/ARCHITECTURE.md explains why).
// Every folder under modules/ is a module: a new one is covered the moment it exists.
const moduleNames = readdirSync(new URL('./apps/server/src/modules/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name);
const otherModulesRepositories = (self) =>
  moduleNames
    .filter((m) => m !== self)
    .map((m) => ({
      group: [`**/${m}/repository*`, `../${m}/repository*`],
      message: `A module reads another module's data through that module's service, never its repository (here: ${m}).`,
    }));

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', 'data/**', 'test-results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['apps/web/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'warn' },
  },
  {
    files: ['apps/server/src/platform/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/modules/**'], message: 'platform/ is infrastructure and knows no module; pass what it needs as an argument.' },
          ],
        },
      ],
    },
  },
  // Per module: no other module's repository; and calls only go routes -> service -> repository.
  ...moduleNames.flatMap((m) => {
    const backwards = (group) => ({ group, message: 'Calls go routes -> service -> repository, never back.' });
    const rule = (extra) => ({ 'no-restricted-imports': ['error', { patterns: [...otherModulesRepositories(m), ...extra] }] });
    return [
      { files: [`apps/server/src/modules/${m}/**/*.ts`], rules: rule([]) },
      { files: [`apps/server/src/modules/${m}/service.ts`], rules: rule([backwards(['./routes*', './destinations*', './module*'])]) },
      {
        files: [`apps/server/src/modules/${m}/repository.ts`],
        rules: rule([backwards(['./service*', './routes*', './destinations*', './module*'])]),
      },
    ];
  }),
  // The engines are pure: no I/O, so they stay deterministic and testable without a server.
  ...['cefr', 'matching'].map((engine) => ({
    files: [`packages/${engine}/src/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'fs', 'path', 'http', 'https', 'net', 'child_process'],
              message: `packages/${engine} is a pure engine: no I/O. Read files in the server or the eval script and pass data in.`,
            },
          ],
        },
      ],
    },
  })),
);

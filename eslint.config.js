// Lint: typescript-eslint's recommended rules on the project's TypeScript.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'data/**', 'test-results/**', 'coverage/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'error',
    },
  },
  // A capability reaches another only through its index.ts (`../claims/index.js`, not `../claims/repo.js`);
  // `shared/` is the toolbox, imported file by file. The files at the top of server/ (app.ts…) are the
  // composition root and import any file (`./claims/routes.js`). A file in a sub-folder of a capability
  // (privacy/registry/) imports its own capability's files freely and others' as above. The demo data
  // (server/demo/) runs use cases directly, as the seed data did (scripts/architecture/scan.ts).
  ...[
    ['server/*/*.ts', '\\.\\./'],
    ['server/*/*/**/*.ts', '\\.\\./\\.\\./'],
  ].map(([files, up]) => ({
    files: [files],
    ignores: ['server/demo/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^${up}(?!shared/)[^/.][^/]*/(?!index\\.js$)`,
              message:
                "Import another capability through its index.ts ('../<capability>/index.js'); only server/shared/ files are imported one by one.",
            },
          ],
        },
      ],
    },
  })),
  {
    files: ['test/**/*.ts', 'scripts/**/*.ts'],
    rules: { 'no-console': 'off', '@typescript-eslint/no-unused-expressions': 'off' },
  },
);

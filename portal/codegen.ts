import type { CodegenConfig } from '@graphql-codegen/cli';

// Typed operations from the hub's printed public schema (npm run schema:print writes it), and the
// persisted-documents manifest the hub loads so these operations run under trusted documents.
const config: CodegenConfig = {
  schema: '../src/schema/unified.graphql',
  documents: ['src/operations/*.graphql'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { hashAlgorithm: 'sha256', mode: 'embedHashInDocument' },
      },
      config: {
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string', Date: 'string', JSON: 'unknown' },
      },
    },
  },
};

export default config;

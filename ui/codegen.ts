// GraphQL Code Generator, run by `npm run build` (and `npm run typecheck`) before tsc: the
// documents the page sends (src/api/documents.graphql), checked against the committed SDL
// (../schema.graphql, written by `make schema`), become
//   src/api/types.ts      the enums and inputs they use, and each result's and variables' type;
//   src/api/documents.ts  each document as a string typed with them (fragments appended).
// Both are generated (and ignored by git); the build needs nothing of codegen at runtime.
import type { CodegenConfig } from "@graphql-codegen/cli";

const shared = {
  useTypeImports: true,
  scalars: { DateTime: "string", JSON: "unknown" },
  strictScalars: true,
  // `const` objects as well as unions: the page lists an enum's values from the schema.
  enumType: "const",
};

const config: CodegenConfig = {
  schema: "../schema.graphql",
  documents: "src/api/documents.graphql",
  emitLegacyCommonJSImports: false,
  // Enums in the order of the schema (the order the page lists them in), not alphabetical.
  config: { sort: false },
  generates: {
    "src/api/types.ts": {
      // typescript-operations (6.x) writes the enums and inputs the documents use itself.
      plugins: ["typescript-operations"],
      config: shared,
    },
    "src/api/documents.ts": {
      preset: "import-types",
      presetConfig: { typesPath: "./types" },
      plugins: ["typed-document-node"],
      // Strings, not parsed documents: nothing of graphql-js reaches the bundle; fragments
      // the page never sends alone are dropped by the bundler (pure).
      config: { ...shared, documentMode: "string", pureMagicComment: true },
    },
  },
};

export default config;

// The page is served by the service under /ui (StaticFiles over dist/), next to /graphql.
// `npm run dev` proxies the API to a service started with `make run` (port 8000).
import { defineConfig } from "vite";

const api = "http://127.0.0.1:8000";

export default defineConfig({
  base: "/ui/",
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
    sourcemap: true,
  },
  server: {
    proxy: {
      "/graphql": { target: api, ws: true, changeOrigin: true },
    },
  },
});

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

// The page is served by the Metrocircle server at "/", with the OGC API on the same origin.
// `npm run build` writes the page into ../wwwroot, which the server serves as its web root.
//
// Development only (never part of the build):
//   npm run dev                       proxies the API to METROCIRCLE_API (default http://127.0.0.1:5180)
//   npm run dev -- --mode fixtures    serves the small made-up plan in dev-fixtures/ instead of a server
//   npx vite preview                  serves the built page, proxying the API the same way

const api = process.env.METROCIRCLE_API ?? 'http://127.0.0.1:5180';

function wantsJson(url: string | undefined, accept: string | undefined): boolean {
  const query = new URL(url ?? '/', 'http://x').searchParams.get('f');
  return query === 'json' || (query === null && !!accept && accept.includes('json') && !accept.includes('text/html'));
}

const proxy: Record<string, ProxyOptions> = {
  '/collections': { target: api },
  '/conformance': { target: api },
  '/import-reports': { target: api },
  '/categories': { target: api },
  '/checks': { target: api },
  '/indicators': { target: api },
  '/auth': { target: api },
  '/users': { target: api },
  '/cases': { target: api },
  '/amendments': { target: api },
  '/conflicts': { target: api },
  '/versions': { target: api },
  '/ledger': { target: api },
  '/mismatch': { target: api },
  '^/api(\\?.*)?$': { target: api },
  // The landing page JSON shares "/" with the page itself: only JSON requests go to the server.
  '^/(\\?.*)?$': { target: api, bypass: (req) => (wantsJson(req.url, req.headers.accept) ? undefined : req.url) },
};

/** Serves dev-fixtures/<set>/ (falling back to dev-fixtures/demo/) as if it were the API; `--mode fixtures` only. */
function fixtures(set: string): Plugin {
  const folders = [...new Set([set, 'demo'])].map((name) => join(import.meta.dirname, 'dev-fixtures', name));
  const send = async (res: import('node:http').ServerResponse, file: string, type: string) => {
    for (const folder of folders) {
      try {
        const body = await readFile(join(folder, file));
        res.setHeader('Content-Type', type);
        res.end(body);
        return;
      } catch {
        // try the next folder
      }
    }
    res.statusCode = 404;
    res.setHeader('Content-Type', 'application/problem+json');
    res.end(JSON.stringify({ title: 'Not found', status: 404, detail: `No fixture ${set}/${file}` }));
  };
  return {
    name: 'metrocircle-dev-fixtures',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use((req, res, next) => {
        const url = new URL(req.url ?? '/', 'http://x');
        const path = url.pathname.replace(/\/+$/, '') || '/';
        if (path === '/' && wantsJson(req.url, req.headers.accept)) return void send(res, 'landing.json', 'application/json');
        if (path === '/collections') return void send(res, 'collections.json', 'application/json');
        const items = /^\/collections\/([^/]+)\/items$/.exec(path);
        const id = items?.[1] ? decodeURIComponent(items[1]) : null;
        if (id && /^[\w.-]+$/.test(id) && !id.includes('..')) return void send(res, `items/${id}.json`, 'application/geo+json');
        next();
      });
    },
  };
}

export default defineConfig(({ command, mode }) => ({
  base: '/',
  plugins: command === 'serve' && mode === 'fixtures' ? [fixtures(process.env.METROCIRCLE_FIXTURES ?? 'demo')] : [],
  server: { port: 5173, strictPort: false, proxy: mode === 'fixtures' ? {} : proxy },
  preview: { port: 4173, proxy },
  build: {
    outDir: '../wwwroot',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 1500,
    rollupOptions: {
      // Eight pages: the map, the indicators dashboard (ECharts), the co-approval cases, the plan amendments, the conflicts between layers, the land ledger, the spatial mismatch and the accounts (administrators), each with only its own code.
      input: {
        main: join(import.meta.dirname, 'index.html'),
        dashboard: join(import.meta.dirname, 'dashboard.html'),
        cases: join(import.meta.dirname, 'cases.html'),
        amendments: join(import.meta.dirname, 'amendments.html'),
        conflicts: join(import.meta.dirname, 'conflicts.html'),
        accounts: join(import.meta.dirname, 'accounts.html'),
        ledger: join(import.meta.dirname, 'ledger.html'),
        mismatch: join(import.meta.dirname, 'mismatch.html'),
      },
      output: { manualChunks: { maplibre: ['maplibre-gl'] } },
    },
  },
}));

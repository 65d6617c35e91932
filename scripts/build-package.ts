/**
 * `npm run build`: the construct library as it ships (package.json `files`): lib/ compiled to JavaScript with type
 * declarations (tsconfig.build.json, entry lib/index.ts, plus the lambda/ modules it imports), and every function
 * bundled once with the deployed esbuild options into dist/functions/<name>/index.js. WebhookFunction
 * (lib/constructs/functions.ts) uses those bundles when they sit beside the compiled code, so a consumer's app needs
 * neither esbuild nor TypeScript; this repository's own app keeps bundling from source.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { buildSync } from 'esbuild';
import { bundlingOptions } from '../lib/constructs/functions';

const root = path.resolve(__dirname, '..');
const dist = path.join(root, 'dist');

export function buildPackage(log: (line: string) => void = (line) => process.stdout.write(`${line}\n`)): void {
  rmSync(dist, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit', cwd: root });
  log('compiled lib/ (with the lambda/ modules it imports) to dist/ with type declarations');
  const handlers = readdirSync(path.join(root, 'lambda', 'handlers'), { withFileTypes: true }).filter((d) => d.isDirectory());
  for (const { name } of handlers) {
    const result = buildSync({
      entryPoints: [path.join(root, 'lambda', 'handlers', name, 'index.ts')],
      outfile: path.join(dist, 'functions', name, 'index.js'),
      bundle: true,
      platform: 'node',
      // The deployed option (OutputFormat.CJS) in esbuild's own spelling.
      format: 'cjs',
      target: bundlingOptions.target,
      minify: bundlingOptions.minify,
      sourcemap: bundlingOptions.sourceMap,
      mainFields: [...bundlingOptions.mainFields],
      external: [...bundlingOptions.externalModules],
      metafile: true,
      logLevel: 'warning',
    });
    const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
    log(`bundled ${name} → dist/functions/${name}/index.js (${Math.round(bytes / 1024)} KB)`);
  }
}

if (require.main === module) buildPackage();

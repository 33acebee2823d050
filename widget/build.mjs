// Bundles the chat widget for the web app: src/widget.js (with socket.io-client and src/widget.css inlined)
// -> ../bot/web/static/widget/widget.js (a build output: not in git).
// `npm run build` (one build) or `npm run watch` (rebuild on change while developing).
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.resolve(here, "..", "bot", "web", "static", "widget");

const options = {
  entryPoints: [path.join(here, "src", "widget.js")],
  outdir,
  bundle: true,
  minify: true,
  sourcemap: "linked",
  format: "iife",
  target: ["es2020"],
  loader: { ".css": "text" },
  legalComments: "eof",
  banner: { js: "/*! Clinic chat widget. Bundles socket.io-client, engine.io-client, socket.io-parser, engine.io-parser and @socket.io/component-emitter (MIT licensed, (c) their authors). */" },
  logLevel: "info",
};

if (process.argv.includes("--watch")) {
  const context = await esbuild.context(options);
  await context.watch();
} else {
  await esbuild.build(options);
}

// Copies the explorer's third-party browser libraries from node_modules into the package, minified, with their
// licences: `npm ci && npm run vendor` here, then commit api/explorer/static/vendor. Serving needs none of this.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "node_modules");
const out = join(here, "..", "api", "explorer", "static", "vendor");
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "licenses"), { recursive: true });

const version = (name) => JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8")).version;
const copies = [
  ["react", "umd/react.production.min.js", "react.production.min.js"],
  ["react-dom", "umd/react-dom.production.min.js", "react-dom.production.min.js"],
  ["cytoscape", "dist/cytoscape.esm.min.mjs", "cytoscape.esm.min.js"],
];
for (const [name, from, to] of copies) copyFileSync(join(modules, name, from), join(out, to));
// graphiql's published "min" bundle is not minified (3.5 MB): minify its UMD build and its stylesheet.
for (const file of ["graphiql.js", "graphiql.css"]) {
  await build({
    entryPoints: [join(modules, "graphiql", file)],
    outfile: join(out, file.replace(/\.(js|css)$/, ".min.$1")),
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
}
const notice = ["Third-party libraries shipped with the explorer (npm package, version, licence):", ""];
for (const name of ["react", "react-dom", "cytoscape", "graphiql"]) {
  const meta = JSON.parse(readFileSync(join(modules, name, "package.json"), "utf8"));
  copyFileSync(join(modules, name, "LICENSE"), join(out, "licenses", `${name}.LICENSE`));
  notice.push(`${name} ${version(name)} — ${meta.license} (licenses/${name}.LICENSE)`);
}
notice.push("", "graphiql's bundle includes graphql-js (MIT) and CodeMirror (MIT).");
writeFileSync(join(out, "NOTICE.txt"), notice.join("\n") + "\n");

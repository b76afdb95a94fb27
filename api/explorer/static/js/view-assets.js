// The asset view: one asset, what it uses, and its obligations with the reasons they apply and the status of
// their evidence, drawn as a graph (Cytoscape.js) and listed as a table. A gap, a binding obligation without
// valid evidence, is drawn and listed in red.
import { everything, frameworks, gql } from "./api.js";
import { clear, h, label, message, painted, select, statusBadge, today, word } from "./dom.js";

export const TITLE = "Assets";

const ASSETS = `query Assets($first: Int, $after: String) {
  assets(first: $first, after: $after) {
    edges { node { id name kind owner annexIii inScope } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const ASSET = `query Asset($id: String!, $frameworks: [String!], $asOf: Date) {
  asset(id: $id) {
    id name kind owner roles facts annexIii inScope organisation
    uses(first: 100) { edges { node { id name kind } } }
    obligations(frameworks: $frameworks, asOf: $asOf, first: 500) {
      totalCount
      edges { node {
        addressee status voluntary
        provision { ref title framework { id } }
        reasons { rule reason role facts annexIii }
        dates { appliesFrom original amended inForce }
        evidence(first: 20) { edges { node { id title status validUntil through } } }
      } }
    }
  }
}`;

export function isGap(o) {
  return !o.voluntary && (o.status === "MISSING" || o.status === "EXPIRED");
}

// The asset a first visit opens: the first high-risk (Annex III) model, else the first AI system, else the first.
function defaultAsset(assets) {
  return (
    assets.find((a) => a.kind === "MODEL" && a.annexIii.length && a.inScope) ||
    assets.find((a) => a.kind === "AI_SYSTEM") ||
    assets[0]
  );
}

// Cytoscape.js (440 kB) is fetched and parsed while the asset's data is on its way, and only by this view.
let library = null;
function cytoscapeLibrary() {
  library = library || import("../vendor/cytoscape.esm.min.js").then((module) => module.default);
  return library;
}

export async function render(root, params, { navigate, current }) {
  const loading = cytoscapeLibrary();
  const [all, assets] = await Promise.all([frameworks(), everything(ASSETS, {}, (d) => d.assets)]);
  if (!current()) return;
  if (!assets.length) {
    clear(root, h("h2", {}, "Assets"), message("The organisation has no assets yet: load an inventory (docs/inventory-format.md)."));
    return;
  }
  const chosen = assets.find((a) => a.id === params.id) || defaultAsset(assets);
  const framework = params.framework || "";
  const asOf = params.asOf || today();
  const gapsOnly = params.gaps === "1";
  const go = (changes) => navigate({ id: chosen.id, framework, asOf: params.asOf, gaps: params.gaps, ...changes });

  const list = h("nav", { class: "asset-list", "aria-label": "Assets" },
    h("ul", {}, assets.map((a) => h("li", {},
      h("a", { href: `#/assets?id=${encodeURIComponent(a.id)}`, "aria-current": a.id === chosen.id ? "true" : false, dataset: { asset: a.id } },
        h("span", { class: "name" }, a.name), h("span", { class: `kind kind-${word(a.kind)}` }, word(a.kind).replace("_", " ")))))));
  const controls = h("form", { class: "controls", onsubmit: (e) => e.preventDefault() },
    label("Framework", select("framework", [["", "all frameworks"], ...all.map((f) => [f.id, f.name])], framework, (v) => go({ framework: v }))),
    label("As of", h("input", { type: "date", name: "asOf", value: asOf, onchange: (e) => go({ asOf: e.target.value }) })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "gaps", checked: gapsOnly, onchange: (e) => go({ gaps: e.target.checked ? "1" : "" }) }), " gaps only"));
  const detail = h("section", { class: "detail asset", "aria-label": "Asset" }, message("Loading the asset…"));
  clear(root, h("h2", {}, "Assets"), h("div", { class: "split assets" }, list, h("div", {}, controls, detail)));

  const data = await gql(ASSET, { id: chosen.id, frameworks: framework ? [framework] : null, asOf });
  if (!current()) return;
  const asset = data.asset;
  const obligations = asset.obligations.edges.map((e) => e.node);
  const gaps = obligations.filter(isGap);
  const names = Object.fromEntries(all.map((f) => [f.id, f.name]));
  const uses = asset.uses.edges.map((e) => e.node);
  const facts = asset.facts.map((f) => word(f).replaceAll("_", " "));
  clear(detail,
    h("h3", {}, asset.name, " ", h("span", { class: `kind kind-${word(asset.kind)}` }, word(asset.kind).replace("_", " "))),
    h("p", { class: "meta" },
      `${asset.id} · owner ${asset.owner}`,
      asset.roles.length ? ` · ${word(asset.roles.join(", ")).replaceAll("_", " ")}` : "",
      asset.annexIii.length ? ` · high-risk, Annex III ${asset.annexIii.join(", ")}` : "",
      asset.inScope ? "" : " · out of scope"),
    facts.length ? h("p", { class: "facts" }, "Facts: ", facts.join(", ")) : null,
    h("p", { class: "meta" }, "Uses: ", uses.length ? uses.map((u, i) => [i ? ", " : "", h("a", { href: `#/assets?id=${encodeURIComponent(u.id)}` }, u.name)]) : "nothing"),
    h("p", { class: "summary" },
      `${obligations.length} obligations as of ${asOf}`, " · ",
      h("strong", { class: gaps.length ? "gap-count" : "" }, `${gaps.length} gaps`),
      " (binding, without valid evidence)"),
  );
  const graph = h("div", { id: "asset-graph", class: "graph", role: "img", "aria-label": `${asset.name}: what it uses and its obligations, gaps in red` });
  detail.append(graph, graphLegend());
  const shown = gapsOnly ? gaps : obligations;
  detail.append(obligationTable(shown, names));
  // The asset and its table show first; the graph follows in the next frame (it is the slower part to draw).
  painted("assets");
  const cytoscape = await loading;
  await new Promise((resolve) => requestAnimationFrame(resolve));
  if (!current()) return;
  draw(cytoscape, graph, asset, uses, shown, names, detail);
}

function graphLegend() {
  return h("p", { class: "legend" },
    ["valid", "expiring", "expired", "missing"].map((s) => h("span", { class: "key" }, h("span", { class: `swatch status-${s}` }), s)),
    h("span", { class: "key" }, h("span", { class: "swatch gap" }), "gap (binding, no valid evidence)"),
    h("span", {}, "Click a provision to find it in the table."));
}

function obligationTable(obligations, names) {
  const table = h("table", { class: "data obligations", "aria-label": "Obligations" },
    h("thead", {}, h("tr", {}, ["provision", "binds as", "why", "from", "evidence"].map((c) => h("th", { scope: "col" }, c)))));
  const body = h("tbody");
  for (const o of obligations) {
    const p = o.provision;
    const evidence = o.evidence.edges.map((e) => e.node);
    body.append(h("tr", { id: `ob-${p.framework.id}-${p.ref}`, class: isGap(o) ? "gap" : "" },
      h("td", {}, h("a", { href: `#/provisions?framework=${encodeURIComponent(p.framework.id)}&ref=${encodeURIComponent(p.ref)}` }, `${names[p.framework.id]} ${p.ref}`),
        p.title && p.title !== p.ref ? h("div", { class: "sub" }, p.title) : null),
      h("td", {}, word(o.addressee).replaceAll("_", " "), o.voluntary ? h("div", { class: "sub" }, "voluntary") : null),
      h("td", {}, o.reasons.map((r) => h("div", { class: "reason" }, r.reason,
        r.facts.length ? h("span", { class: "sub" }, ` (${word(r.facts.join(", ")).replaceAll("_", " ")})`) : null))),
      h("td", {}, o.dates.appliesFrom || "", o.dates.amended ? h("div", { class: "sub" }, `originally ${o.dates.original}`) : null),
      h("td", {}, statusBadge(o.status), evidence.map((e) => h("div", { class: "sub" }, `${e.id} (${word(e.status)}${e.validUntil ? `, until ${e.validUntil}` : ""})${e.through ? ` through ${e.through}` : ""}`)))));
  }
  table.append(body);
  return table;
}

// Positions worked out here rather than by a force layout: the asset in the middle, what it uses above it,
// and each framework's obligations as a cluster around the framework, gaps first (nearest the hub).
const SPACING = 17;
const GOLDEN = Math.PI * (3 - Math.sqrt(5));

function layout(asset, uses, byFramework) {
  const positions = new Map([[`asset:${asset.id}`, { x: 0, y: 0 }]]);
  uses.forEach((u, i) => positions.set(`asset:${u.id}`, { x: (i - (uses.length - 1) / 2) * 240, y: -125 }));
  const frameworks = [...byFramework.keys()];
  const radius = Math.max(...[...byFramework.values()].map((list) => SPACING * Math.sqrt(list.length + 14)), 60);
  const ring = radius * 1.8 + 50;
  frameworks.forEach((framework, i) => {
    const angle = Math.PI / 2 + ((i + 0.5) * 2 * Math.PI) / frameworks.length - Math.PI / frameworks.length;
    const centre = { x: Math.cos(angle) * ring * 1.9, y: Math.sin(angle) * ring };
    positions.set(`fw:${framework}`, centre);
    byFramework.get(framework).forEach((o, k) => {
      const r = SPACING * Math.sqrt(k + 14);
      positions.set(`ob:${framework}:${o.provision.ref}`, { x: centre.x + r * Math.cos(k * GOLDEN), y: centre.y + r * Math.sin(k * GOLDEN) });
    });
  });
  return positions;
}

function draw(cytoscape, container, asset, uses, obligations, names, detail) {
  const elements = [{ data: { id: `asset:${asset.id}`, label: asset.name, type: "asset" } }];
  for (const u of uses) {
    elements.push({ data: { id: `asset:${u.id}`, label: u.name, type: "used" } });
    elements.push({ data: { id: `uses:${asset.id}:${u.id}`, source: `asset:${asset.id}`, target: `asset:${u.id}`, type: "uses" } });
  }
  const byFramework = new Map();
  for (const o of obligations) {
    const framework = o.provision.framework.id;
    if (!byFramework.has(framework)) byFramework.set(framework, []);
    byFramework.get(framework).push(o);
  }
  for (const list of byFramework.values()) list.sort((a, b) => Number(isGap(b)) - Number(isGap(a)));
  for (const [framework, list] of byFramework) {
    const gaps = list.filter(isGap).length;
    elements.push({ data: { id: `fw:${framework}`, label: `${names[framework]}\n${list.length} · ${gaps} gaps`, type: "framework" } });
    elements.push({ data: { id: `to:${framework}`, source: `asset:${asset.id}`, target: `fw:${framework}`, type: "bound" } });
    for (const o of list) {
      const id = `ob:${framework}:${o.provision.ref}`;
      elements.push({ data: { id, ref: o.provision.ref, type: "obligation", status: word(o.status), gap: isGap(o) ? "yes" : "no", row: `ob-${framework}-${o.provision.ref}` } });
    }
  }
  const positions = layout(asset, uses, byFramework);
  const cy = cytoscape({
    container,
    elements,
    layout: { name: "preset", positions: (node) => positions.get(node.id()), fit: true, padding: 12, animate: false },
    minZoom: 0.2,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "text-valign": "center", "text-halign": "center", width: 14, height: 14, color: "#1b1f24", "background-color": "#d0d7de" } },
      { selector: "node[type='asset'], node[type='used'], node[type='framework']", style: { label: "data(label)" } },
      { selector: "node[type='asset']", style: { shape: "round-rectangle", width: 300, height: 84, "font-size": 22, "z-index": 10, "font-weight": "bold", "background-color": "#0b5394", color: "#fff", "text-wrap": "wrap", "text-max-width": 290 } },
      { selector: "node[type='used']", style: { shape: "round-rectangle", width: 220, height: 50, "font-size": 17, "background-color": "#9fc5e8", "text-wrap": "wrap", "text-max-width": 210 } },
      { selector: "node[type='framework']", style: { shape: "round-rectangle", width: 270, height: 64, "font-size": 22, "z-index": 10, "font-weight": "bold", "background-color": "#674ea7", color: "#fff", "text-wrap": "wrap", "text-max-width": 262 } },
      { selector: "node[status='valid']", style: { "background-color": "#6aa84f" } },
      { selector: "node[status='expiring']", style: { "background-color": "#f1c232" } },
      { selector: "node[status='expired']", style: { "background-color": "#e06666" } },
      { selector: "node[status='missing']", style: { "background-color": "#e3e6ea" } },
      { selector: "node[gap='yes']", style: { "border-width": 2, "border-color": "#b00020" } },
      { selector: "node[gap='yes'][status='missing']", style: { "background-color": "#f4cccc" } },
      { selector: "edge", style: { width: 1.5, "line-color": "#b4a7d6", "curve-style": "straight" } },
      { selector: "edge[type='uses']", style: { width: 2, "line-color": "#0b5394", "target-arrow-shape": "triangle", "target-arrow-color": "#0b5394", label: "uses", "font-size": 8 } },
      { selector: ":selected", style: { "border-width": 3, "border-color": "#000" } },
      { selector: "node[type='obligation']:selected", style: { label: "data(ref)", "font-size": 14, "z-index": 20, "text-background-color": "#fff", "text-background-opacity": 0.9, "text-valign": "top" } },
    ],
  });
  cy.on("tap", "node[type='obligation']", (event) => {
    const row = detail.querySelector(`[id="${CSS.escape(event.target.data("row"))}"]`);
    if (!row) return;
    for (const marked of detail.querySelectorAll("tr.picked")) marked.classList.remove("picked");
    row.classList.add("picked");
    row.scrollIntoView({ block: "center" });
  });
  cy.on("tap", "node[type='used']", (event) => {
    location.hash = `#/assets?id=${encodeURIComponent(event.target.id().slice("asset:".length))}`;
  });
  container.dataset.nodes = String(cy.nodes().length);
  container.dataset.gaps = String(cy.nodes("[gap='yes']").length);
  return cy;
}

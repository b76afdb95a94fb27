// The provision browser: a framework's tree (collapsible, keyboard-navigable as native <details>), search,
// and one provision: its text summary, its dates as amended on any day (`as of`, and for which systems), its
// mappings, and the obligations it creates for the organisation's assets.
import { everything, frameworks, gql, once, provisionTree } from "./api.js";
import { clear, h, label, message, select, statusBadge, today, word } from "./dom.js";

export const TITLE = "Provisions";

const PROVISION = `query Provision($framework: String!, $ref: String!, $asOf: Date, $scope: DateScope!) {
  provision(framework: $framework, ref: $ref) {
    ref kind title summary addressees informative
    framework { id name }
    parent { ref title }
    children { ref title }
    usedIn { ref title }
    dates(asOf: $asOf, scope: $scope) {
      asOf appliesFrom original amended inForce basis act { id title status }
    }
    mappings(includeInferred: true, first: 500) {
      totalCount
      edges { node {
        relation strength inferred inverted targetFramework rationale
        target { ref title } provenance { mappingSet reviewStatus } path { ref framework { id } }
      } }
    }
  }
}`;

// Twenty assets a page, written into the query: the server estimates a query's cost before it runs, and takes
// a page size given as a variable at its largest.
const OBLIGATIONS = `query Obligations($framework: String!, $asOf: Date, $after: String) {
  assets(first: 20, after: $after) {
    edges { node { id name kind
      obligations(frameworks: [$framework], asOf: $asOf, first: 500) {
        edges { node { addressee status voluntary provision { ref } } }
      }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const SEARCH = `query Search($text: String!, $framework: String) {
  search(text: $text, framework: $framework, first: 50) { totalCount edges { node { ref title } } }
}`;

export async function render(root, params, { navigate, current }) {
  const all = await frameworks();
  const framework = params.framework || "eu-ai-act";
  const asOf = params.asOf || today();
  const scope = params.scope || "all";
  const tree = await provisionTree(framework);
  if (!current()) return;
  const chosen = params.ref || (tree.roots[0] && tree.roots[0].ref);
  const go = (changes) => navigate({ framework, ref: chosen, asOf: params.asOf, scope: params.scope, q: params.q, ...changes });

  const searchBox = h("input", { type: "search", name: "q", value: params.q || "", placeholder: "ref or words", "aria-label": "Search provisions" });
  const controls = h("form", {
    class: "controls",
    onsubmit: (e) => { e.preventDefault(); go({ q: searchBox.value.trim() }); },
  },
  label("Framework", select("framework", all.map((f) => [f.id, f.name]), framework, (v) => navigate({ framework: v, asOf: params.asOf, scope: params.scope }))),
  label("Search", searchBox), h("button", { type: "submit" }, "Search"),
  label("As of", h("input", { type: "date", name: "asOf", value: asOf, onchange: (e) => go({ asOf: e.target.value }) })),
  label("For", select("scope", [["all", "all systems"], ["annex_iii", "high-risk (Annex III)"], ["annex_i", "high-risk (Annex I)"]], scope, (v) => go({ scope: v }))));

  const side = h("nav", { class: "tree", "aria-label": `${framework} provisions` });
  if (params.q) {
    const found = await gql(SEARCH, { text: params.q, framework });
    const hits = found.search.edges.map((e) => e.node);
    side.append(h("p", { class: "summary" }, `${found.search.totalCount} matches for “${params.q}”`),
      h("ul", { class: "hits" }, hits.map((n) => h("li", {}, provisionLink(framework, n, chosen, params)))),
      h("button", { type: "button", onclick: () => go({ q: "" }) }, "Show the whole tree"));
  } else {
    const path = new Set();
    for (let node = tree.byRef.get(chosen); node; node = node.parent && tree.byRef.get(node.parent)) path.add(node.ref);
    side.append(h("ul", { role: "list" }, tree.roots.map((n) => treeItem(framework, n, chosen, path, params))));
  }
  const detail = h("section", { class: "detail", "aria-label": "Provision" });
  clear(root, h("h2", {}, "Provisions"), controls, h("div", { class: "split browse" }, side, detail));
  if (!chosen) return;
  const [data, obligations] = await Promise.all([
    gql(PROVISION, { framework, ref: chosen, asOf, scope: scope.toUpperCase() }),
    assetObligations(framework, asOf),
  ]);
  if (!current()) return;
  showProvision(detail, data.provision, obligations, all, params);
  const selected = side.querySelector("[aria-current=true]");
  if (selected) selected.scrollIntoView({ block: "nearest" });
}

function href(framework, ref, params) {
  const query = new URLSearchParams({ framework, ref });
  for (const key of ["asOf", "scope", "q"]) if (params[key]) query.set(key, params[key]);
  return `#/provisions?${query}`;
}

function provisionLink(framework, node, chosen, params) {
  return h("a", { href: href(framework, node.ref, params), "aria-current": node.ref === chosen ? "true" : false },
    h("span", { class: "ref" }, node.ref), node.title && node.title !== node.ref ? ` ${node.title}` : "");
}

function treeItem(framework, node, chosen, path, params) {
  const link = provisionLink(framework, node, chosen, params);
  if (!node.children.length) return h("li", {}, link);
  return h("li", {}, h("details", { open: path.has(node.ref) },
    h("summary", {}, link),
    h("ul", {}, node.children.map((c) => treeItem(framework, c, chosen, path, params)))));
}

// Which assets each provision of a framework binds, on a day: asked once per framework and day.
function assetObligations(framework, asOf) {
  return once(`obligations:${framework}:${asOf}`, async () => {
    const assets = await everything(OBLIGATIONS, { framework, asOf }, (d) => d.assets);
    const byRef = new Map();
    for (const asset of assets) {
      for (const { node } of asset.obligations.edges) {
        if (!byRef.has(node.provision.ref)) byRef.set(node.provision.ref, []);
        byRef.get(node.provision.ref).push({ asset, ...node });
      }
    }
    return byRef;
  });
}

function showProvision(detail, p, obligations, all, params) {
  const names = Object.fromEntries(all.map((f) => [f.id, f.name]));
  const d = p.dates;
  const link = (framework, ref) => h("a", { href: href(framework, ref, params) }, ref);
  detail.append(
    h("h3", {}, `${p.framework.name} ${p.ref}`, p.title && p.title !== p.ref ? ` — ${p.title}` : ""),
    h("p", { class: "meta" }, word(p.kind).replace("_", " "), p.informative ? " · informative" : "",
      p.addressees.length ? ` · binds ${word(p.addressees.join(", ")).replaceAll("_", " ")}` : ""),
    p.summary ? h("p", { class: "summary-text" }, p.summary) : null,
    p.parent ? h("p", {}, "Part of ", link(p.framework.id, p.parent.ref), p.parent.title ? ` ${p.parent.title}` : "") : null,
  );
  const dates = h("dl", { class: "dates" },
    h("dt", {}, "As of"), h("dd", {}, d.asOf),
    h("dt", {}, "Applies from"), h("dd", {}, d.appliesFrom || "no date",
      d.amended ? h("span", { class: "tag amended" }, `amended; originally ${d.original}`) : null,
      d.appliesFrom ? h("span", { class: `tag ${d.inForce ? "in-force" : "not-yet"}` }, d.inForce ? "in force" : "not yet in force") : null),
    d.basis ? [h("dt", {}, "Basis"), h("dd", {}, d.basis)] : null,
    d.act ? [h("dt", {}, "Act"), h("dd", {}, `${d.act.title} (${d.act.status})`)] : null);
  detail.append(h("h4", {}, "Dates"), dates);

  const binding = obligations.get(p.ref) || [];
  detail.append(h("h4", {}, `Obligations it creates (${binding.length})`));
  if (binding.length) {
    detail.append(h("table", { class: "data" },
      h("thead", {}, h("tr", {}, ["asset", "kind", "binds as", "evidence"].map((c) => h("th", { scope: "col" }, c)))),
      h("tbody", {}, binding.map((o) => h("tr", { class: !o.voluntary && ["MISSING", "EXPIRED"].includes(o.status) ? "gap" : "" },
        h("td", {}, h("a", { href: `#/assets?id=${encodeURIComponent(o.asset.id)}` }, o.asset.name)),
        h("td", {}, word(o.asset.kind).replace("_", " ")),
        h("td", {}, word(o.addressee).replaceAll("_", " "), o.voluntary ? " (voluntary)" : ""),
        h("td", {}, statusBadge(o.status)))))));
  } else {
    detail.append(message("No asset of the organisation is bound by this provision itself on this day."));
  }

  const mappings = p.mappings.edges.map((e) => e.node);
  const asserted = mappings.filter((m) => !m.inferred);
  const inferred = mappings.filter((m) => m.inferred);
  const row = (m) => h("tr", {},
    h("td", {}, h("span", { class: `relation rel-${word(m.relation)}` }, word(m.relation).replace("_", " "))),
    h("td", {}, names[m.targetFramework] || m.targetFramework, " ", m.target ? link(m.targetFramework, m.target.ref) : h("em", {}, "no counterpart")),
    h("td", {}, m.strength ?? ""),
    h("td", {}, m.rationale,
      m.inferred ? h("div", { class: "path" }, "path: ", m.path.map((s) => `${names[s.framework.id]} ${s.ref}`).join(" → "))
        : h("div", { class: "provenance" }, `set ${m.provenance.mappingSet} · ${word(m.provenance.reviewStatus)}`)));
  const mappingTable = (items) => h("table", { class: "data" },
    h("thead", {}, h("tr", {}, ["relation", "to", "strength", "why"].map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, items.map(row)));
  detail.append(h("h4", {}, `Mappings (${asserted.length} asserted)`), asserted.length ? mappingTable(asserted) : message("None asserted."));
  if (inferred.length) {
    detail.append(h("details", { class: "inferred" }, h("summary", {}, `${inferred.length} inferred along paths`), mappingTable(inferred)));
  }
  if (p.children.length) {
    detail.append(h("h4", {}, "Parts"), h("ul", { class: "children" }, p.children.map((c) => h("li", {}, link(p.framework.id, c.ref), c.title ? ` ${c.title}` : ""))));
  }
  if (p.usedIn.length) {
    detail.append(h("h4", {}, "Used in"), h("ul", { class: "children" }, p.usedIn.map((c) => h("li", {}, link(p.framework.id, c.ref), c.title ? ` ${c.title}` : ""))));
  }
}

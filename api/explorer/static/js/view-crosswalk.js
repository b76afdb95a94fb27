// The crosswalk heat-map: rows are the source framework's groups, columns the target's. A cell's colour is the
// strongest asserted mapping in it, a bar under its count shows the relations, and mappings the engine infers
// along paths are counted apart (the corner figure); a cell opens its mappings with rationale, provenance and,
// for inferred ones, the path.
import { everything, frameworks, gql, provisionTree } from "./api.js";
import { clear, h, label, message, painted, select, word } from "./dom.js";
import { groupsOf, shortTitle } from "./groups.js";

export const TITLE = "Crosswalk";
const RELATIONS = ["equal", "subset", "superset", "intersects", "related"];
const NONE = "∅";

const QUERY = `query Crosswalk($source: String!, $target: String!, $inferred: Boolean!, $first: Int, $after: String) {
  crosswalk(source: $source, target: $target, includeInferred: $inferred, first: $first, after: $after) {
    edges { node {
      relation strength rationaleType rationale inferred inverted harmonizedStructure
      source { ref title } target { ref title }
      provenance { mappingSet creators created reviewStatus authority }
      path { ref framework { id } }
    } }
    pageInfo { hasNextPage endCursor }
  }
}`;

// The inferred layer needs only where each mapping falls and how strong it is: its rationale and path are
// asked for when a cell is opened (a crosswalk can infer thousands).
const INFERRED = `query Inferred($source: String!, $target: String!, $first: Int, $after: String) {
  crosswalk(source: $source, target: $target, includeInferred: true, first: $first, after: $after) {
    edges { node { relation strength inferred source { ref } target { ref } } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const DETAIL_FIELDS = `mappings(includeInferred: true, targetFramework: $target, first: 200) {
  edges { node { relation strength rationale inferred inverted source { ref title } target { ref title }
    provenance { mappingSet creators created reviewStatus authority } path { ref framework { id } } } }
}`;
const ALIASES_PER_REQUEST = 10;

// The inferred mappings of one cell with their rationale and path, from its source provisions' mappings.
async function inferredDetails(cell, column, columns, source, target) {
  const refs = [...new Set(cell.inferred.map((m) => m.source.ref))];
  const found = [];
  for (let i = 0; i < refs.length; i += ALIASES_PER_REQUEST) {
    const chunk = refs.slice(i, i + ALIASES_PER_REQUEST);
    const fields = chunk.map((_, k) => `p${k}: provision(framework: $source, ref: $r${k}) { ${DETAIL_FIELDS} }`).join("\n");
    const declared = chunk.map((_, k) => `$r${k}: String!`).join(", ");
    const variables = Object.fromEntries(chunk.map((ref, k) => [`r${k}`, ref]));
    const data = await gql(`query Cell($source: String!, $target: String!, ${declared}) { ${fields} }`, { source, target, ...variables });
    for (const k of chunk.keys()) {
      for (const { node } of data[`p${k}`].mappings.edges) {
        if (node.inferred && node.target && (columns.groupOf.get(node.target.ref) || node.target.ref) === column) found.push(node);
      }
    }
  }
  return found;
}

function emptyCell() {
  return { asserted: [], inferred: [], none: [], strongest: 0, relations: {} };
}

export async function render(root, params, { navigate, current }) {
  const all = await frameworks();
  const source = params.source || "iso42001";
  const target = params.target || (source === "eu-ai-act" ? "iso42001" : "eu-ai-act");
  const withInferred = params.inferred !== "no";
  const choices = all.map((f) => [f.id, f.name]);
  const controls = h(
    "form",
    { class: "controls", onsubmit: (e) => e.preventDefault() },
    label("From", select("source", choices, source, (v) => navigate({ ...params, source: v, cell: "" }))),
    label("to", select("target", choices, target, (v) => navigate({ ...params, target: v, cell: "" }))),
    h("label", { class: "check" },
      h("input", {
        type: "checkbox", name: "inferred", checked: withInferred,
        onchange: (e) => navigate({ ...params, inferred: e.target.checked ? "" : "no", cell: "" }),
      }),
      " inferred mappings (counted apart)"),
  );
  clear(root, h("h2", {}, "Crosswalk"), controls, message("Loading the crosswalk…"));
  if (source === target) {
    clear(root, h("h2", {}, "Crosswalk"), controls, message("Choose two different frameworks."));
    return;
  }
  const [sourceTree, targetTree, assertedOnly] = await Promise.all([
    provisionTree(source),
    provisionTree(target),
    everything(QUERY, { source, target, inferred: false }, (d) => d.crosswalk),
  ]);
  if (!current()) return;
  const rows = groupsOf(sourceTree);
  const columns = groupsOf(targetTree);
  const names = Object.fromEntries(all.map((f) => [f.id, f.name]));
  const cells = new Map();
  const cellOf = (row, column) => {
    const key = `${row}\u0000${column}`;
    if (!cells.has(key)) cells.set(key, emptyCell());
    return cells.get(key);
  };
  const place = (m) => {
    const row = rows.groupOf.get(m.source.ref) || m.source.ref;
    const column = m.target ? columns.groupOf.get(m.target.ref) || m.target.ref : NONE;
    const cell = cellOf(row, column);
    if (!m.target) cell.none.push(m);
    else if (m.inferred) cell.inferred.push(m);
    else {
      cell.asserted.push(m);
      cell.strongest = Math.max(cell.strongest, m.strength || 0);
      cell.relations[word(m.relation)] = (cell.relations[word(m.relation)] || 0) + 1;
    }
  };
  assertedOnly.forEach(place);
  const asserted = assertedOnly.filter((m) => m.target).length;
  const none = assertedOnly.length - asserted;
  const panel = h("section", { class: "detail", id: "cell-detail", tabindex: "-1", "aria-label": "Mappings in the chosen cell" });
  const chosen = (params.cell || "").split("|");
  const columnRefs = [...columns.groups.map((g) => g.ref), NONE];
  const tds = new Map();

  const button = (row, column, cell) => {
    const count = cell.asserted.length + cell.none.length;
    const name = column === NONE ? "no counterpart" : shortTitle(targetTree.byRef.get(column) || { ref: column });
    return h(
      "button",
      {
        type: "button",
        class: `cell strength-${cell.strongest}${cell.asserted.length ? "" : " only-inferred"}${column === NONE ? " none" : ""}`,
        "aria-pressed": chosen[0] === row.ref && chosen[1] === column ? "true" : "false",
        dataset: { row: row.ref, column },
        "aria-label": `${shortTitle(row)} to ${name}: ${count} asserted, ${cell.inferred.length} inferred`,
        title: `${count} asserted (strongest ${cell.strongest || "–"}), ${cell.inferred.length} inferred`,
        onclick: () => navigate({ ...params, source, target, cell: `${row.ref}|${column}` }, { replace: true }),
      },
      h("span", { class: "count" }, count ? String(count) : ""),
      cell.inferred.length ? h("span", { class: "inferred-count" }, `+${cell.inferred.length}`) : null,
      count ? relationBar(cell) : null,
    );
  };
  const table = h("table", { class: "heatmap", "aria-label": `Crosswalk ${names[source]} to ${names[target]}` });
  table.append(h("thead", {}, h("tr", {},
    h("th", { scope: "col", class: "corner" }, `${names[source]} ↓  ${names[target]} →`),
    columns.groups.map((g) => h("th", { scope: "col", class: "col", title: g.title || g.ref }, h("span", {}, shortTitle(g)))),
    h("th", { scope: "col", class: "col none", title: "no counterpart in the target framework" }, h("span", {}, "no counterpart")))));
  const body = h("tbody");
  for (const row of rows.groups) {
    const tr = h("tr", {}, h("th", { scope: "row", title: row.title || row.ref }, shortTitle(row)));
    for (const column of columnRefs) {
      const cell = cells.get(`${row.ref}\u0000${column}`);
      const td = cell ? h("td", {}, button(row, column, cell)) : h("td", { class: "empty" });
      tds.set(`${row.ref}\u0000${column}`, { td, row, column });
      tr.append(td);
    }
    body.append(tr);
  }
  table.append(body);
  table.addEventListener("keydown", moveAcross);
  const inferredNote = h("span", {}, withInferred ? "; inferred mappings are being worked out…" : "");
  const summary = h("p", { class: "summary" },
    `${asserted} asserted mappings, ${none} provisions recorded with no counterpart`, inferredNote, ". Click a cell for its mappings.");
  clear(root, h("h2", {}, "Crosswalk"), controls, summary, legend(),
    h("div", { class: "split" }, h("div", { class: "scroll" }, table), panel));
  const showChosen = async () => {
    clear(panel);
    if (!params.cell) {
      panel.append(message("Choose a cell to see its mappings: why each holds, who says so, and how an inferred one was reached."));
      return;
    }
    const cell = cells.get(`${chosen[0]}\u0000${chosen[1]}`) || emptyCell();
    const details = withInferred && cell.inferred.length ? await inferredDetails(cell, chosen[1], columns, source, target) : [];
    if (!current()) return;
    clear(panel);
    showCell(panel, cell, details, chosen[0], chosen[1], sourceTree, targetTree, names, source, target);
  };
  if (!withInferred) {
    await showChosen();
    return;
  }
  if (params.cell) panel.append(message("Loading the cell…"));
  else await showChosen();
  painted("crosswalk");
  // Inferred mappings are many (thousands for some pairs): drawn in a second pass, into the cells already shown.
  const withPaths = await everything(INFERRED, { source, target }, (d) => d.crosswalk);
  if (!current()) return;
  const inferred = withPaths.filter((m) => m.inferred);
  inferred.forEach(place);
  for (const [key, { td, row, column }] of tds) {
    const cell = cells.get(key);
    if (cell && cell.inferred.length) {
      td.classList.remove("empty");
      clear(td, button(row, column, cell));
    }
  }
  clear(inferredNote, `, ${inferred.length} inferred along paths (counted apart: +n)`);
  if (params.cell) await showChosen();
}

// Arrow keys move between the cells that hold mappings, along the row or down the column.
const STEPS = { ArrowRight: [0, 1], ArrowLeft: [0, -1], ArrowDown: [1, 0], ArrowUp: [-1, 0] };
function moveAcross(event) {
  const step = STEPS[event.key];
  const from = event.target.closest("td");
  if (!step || !from || !event.target.classList.contains("cell")) return;
  const rows = [...event.currentTarget.tBodies[0].rows];
  let row = rows.indexOf(from.parentElement);
  let column = from.cellIndex;
  for (;;) {
    row += step[0];
    column += step[1];
    const cell = rows[row] && rows[row].cells[column];
    if (!cell || column < 1) return;
    const button = cell.querySelector("button.cell");
    if (button) {
      event.preventDefault();
      button.focus();
      return;
    }
  }
}

function relationBar(cell) {
  const total = Object.values(cell.relations).reduce((a, b) => a + b, 0);
  if (!total) return null;
  return h("span", { class: "bar", "aria-hidden": "true" },
    RELATIONS.filter((r) => cell.relations[r]).map((r) =>
      h("span", { class: `rel-${r}`, style: `width:${(100 * cell.relations[r]) / total}%` })));
}

function legend() {
  return h("div", { class: "legend", "aria-label": "Legend" },
    h("span", {}, "colour: strongest asserted mapping"),
    h("span", { class: "ramp" }, [2, 4, 6, 8, 10].map((s) => h("span", { class: `swatch strength-${s}` }, String(s)))),
    h("span", {}, "bar: relations"),
    RELATIONS.slice(0, 4).map((r) => h("span", { class: "key" }, h("span", { class: `swatch rel-${r}` }), r)),
    h("span", { class: "key" }, h("span", { class: "swatch only-inferred" }, "+n"), "inferred, counted apart"));
}

function mappingItem(m, names, source, target) {
  const link = (framework, ref) => h("a", { href: `#/provisions?framework=${encodeURIComponent(framework)}&ref=${encodeURIComponent(ref)}` }, ref);
  const provenance = m.provenance;
  return h("li", { class: `mapping${m.inferred ? " inferred" : ""}` },
    h("div", { class: "pair" },
      link(source, m.source.ref), " ",
      h("span", { class: `relation rel-${word(m.relation)}` }, word(m.relation).replace("_", " ")), " ",
      m.target ? link(target, m.target.ref) : h("em", {}, `nothing in ${names[target]}`),
      m.strength ? h("span", { class: "strength" }, ` strength ${m.strength}`) : null,
      m.inverted ? h("span", { class: "tag" }, "read backwards") : null,
      m.harmonizedStructure ? h("span", { class: "tag" }, "harmonized structure") : null),
    m.target && m.target.title ? h("div", { class: "titles" }, `${m.source.title || ""} → ${m.target.title}`) : null,
    h("p", { class: "rationale" }, m.rationale),
    m.inferred
      ? h("p", { class: "path" }, "path: ", m.path.map((p, i) => [i ? " → " : "", `${names[p.framework.id] || p.framework.id} ${p.ref}`]))
      : h("p", { class: "provenance" },
        `set ${provenance.mappingSet}`,
        provenance.creators.length ? ` · by ${provenance.creators.join(", ")}` : "",
        provenance.created ? ` · ${provenance.created}` : "",
        ` · ${word(provenance.reviewStatus)}`,
        provenance.authority ? ` · from ${provenance.authority}` : ""));
}

function showCell(panel, cell, inferredWithPaths, row, column, sourceTree, targetTree, names, source, target) {
  const rowNode = sourceTree.byRef.get(row) || { ref: row };
  const columnName = column === NONE ? "no counterpart" : shortTitle(targetTree.byRef.get(column) || { ref: column });
  const list = (items) => h("ol", { class: "mappings" }, items.map((m) => mappingItem(m, names, source, target)));
  panel.append(h("h3", {}, `${names[source]} ${shortTitle(rowNode)} → ${names[target]} ${columnName}`));
  const asserted = [...cell.asserted, ...cell.none].sort((a, b) => (b.strength || 0) - (a.strength || 0));
  panel.append(h("h4", {}, `Asserted (${asserted.length})`), asserted.length ? list(asserted) : message("None."));
  if (inferredWithPaths.length) {
    const inferred = [...inferredWithPaths].sort((a, b) => (b.strength || 0) - (a.strength || 0));
    panel.append(h("h4", {}, `Inferred along paths (${inferred.length})`), list(inferred));
  }
  if (document.activeElement === document.body) panel.focus({ preventScroll: true });
}

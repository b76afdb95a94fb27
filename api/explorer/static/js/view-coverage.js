// Coverage: "we have A, we want B" — each unit of B covered, reusable, partial or uncovered, and the mappings
// behind the verdict; optionally from what the organisation implements. Exportable as CSV.
import { frameworks, gql } from "./api.js";
import { clear, h, label, message, select, word } from "./dom.js";
import { download, toCsv } from "./csv.js";

export const TITLE = "Coverage";
const STATUSES = ["covered", "reusable", "partial", "uncovered"];

const VERDICT = `status restsOnExpired provision { ref title }
  because(first: 10) { totalCount edges { node { relation strength inferred source { ref } target { ref } rationale } } }`;
const QUERY = `query Coverage($have: String!, $want: String!, $organisation: String, $inferred: Boolean!) {
  coverage(have: $have, want: $want, organisation: $organisation, includeInferred: $inferred) {
    have want ratio reuseRatio reachedRatio
    covered { ${VERDICT} } reusable { ${VERDICT} } partial { ${VERDICT} } uncovered { ${VERDICT} }
  }
}`;

export async function render(root, params, { navigate, current }) {
  const all = await frameworks();
  const have = params.have || "iso27001";
  const want = params.want || "iso42001";
  const fromOrganisation = params.org === "1";
  const inferred = params.inferred === "1";
  const names = Object.fromEntries(all.map((f) => [f.id, f.name]));
  const choices = all.map((f) => [f.id, f.name]);
  const go = (changes) => navigate({ have, want, org: params.org, inferred: params.inferred, ...changes });
  const controls = h("form", { class: "controls", onsubmit: (e) => e.preventDefault() },
    label("We have", select("have", choices, have, (v) => go({ have: v }))),
    label("we want", select("want", choices, want, (v) => go({ want: v }))),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "org", checked: fromOrganisation, onchange: (e) => go({ org: e.target.checked ? "1" : "" }) }), " only what the organisation implements"),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "inferred", checked: inferred, onchange: (e) => go({ inferred: e.target.checked ? "1" : "" }) }), " with inferred mappings"));
  clear(root, h("h2", {}, "Coverage"), controls, message("Working out coverage…"));
  if (have === want) {
    clear(root, h("h2", {}, "Coverage"), controls, message("Choose two different frameworks."));
    return;
  }
  let organisation = null;
  if (fromOrganisation) {
    const orgs = await gql("{ organisations(first: 1) { edges { node { id name } } } }");
    organisation = orgs.organisations.edges.length ? orgs.organisations.edges[0].node.id : null;
  }
  const data = await gql(QUERY, { have, want, organisation, inferred });
  if (!current()) return;
  const c = data.coverage;
  const verdicts = STATUSES.flatMap((s) => c[s]);
  const counts = Object.fromEntries(STATUSES.map((s) => [s, c[s].length]));
  const total = verdicts.length || 1;
  const bar = h("div", { class: "coverage-bar", role: "img", "aria-label": STATUSES.map((s) => `${counts[s]} ${s}`).join(", ") },
    STATUSES.filter((s) => counts[s]).map((s) => h("span", { class: `cov-${s}`, style: `width:${(100 * counts[s]) / total}%` }, `${counts[s]} ${s}`)));
  const rows = verdicts.map((v) => {
    const because = v.because.edges.map((e) => e.node);
    return { v, because };
  });
  const exportCsv = () => download(`coverage-${have}-to-${want}${organisation ? `-${organisation}` : ""}.csv`, toCsv(
    ["unit", "title", "status", "rests_on_expired", "because"],
    rows.map(({ v, because }) => [v.provision.ref, v.provision.title || "", word(v.status), v.restsOnExpired ? "yes" : "",
      because.map((m) => `${m.source.ref} ${word(m.relation)} ${m.target ? m.target.ref : "-"}${m.inferred ? " (inferred)" : ""}`).join("; ")]),
  ));
  const table = h("table", { class: "data coverage", "aria-label": "Coverage verdicts" },
    h("thead", {}, h("tr", {}, ["unit", "status", "because"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, rows.map(({ v, because }) => h("tr", { class: `cov-row-${word(v.status)}${v.restsOnExpired ? " gap" : ""}` },
      h("td", {}, h("a", { href: `#/provisions?framework=${encodeURIComponent(want)}&ref=${encodeURIComponent(v.provision.ref)}` }, v.provision.ref),
        v.provision.title ? h("div", { class: "sub" }, v.provision.title) : null),
      h("td", {}, h("span", { class: `badge cov-${word(v.status)}` }, word(v.status)), v.restsOnExpired ? h("div", { class: "sub flag" }, "rests on expired evidence") : null),
      h("td", {}, because.length ? h("ul", { class: "because" }, because.map((m) => h("li", {},
        `${names[have]} ${m.source.ref} `, h("span", { class: `relation rel-${word(m.relation)}` }, word(m.relation)), m.target ? ` ${m.target.ref}` : "",
        m.strength ? ` (${m.strength})` : "", m.inferred ? " · inferred" : "",
        h("div", { class: "sub" }, m.rationale))), v.because.totalCount > because.length ? h("li", { class: "sub" }, `and ${v.because.totalCount - because.length} more`) : null)
        : h("span", { class: "sub" }, "nothing maps here"))))));
  clear(root, h("h2", {}, "Coverage"), controls,
    h("p", { class: "summary" },
      `${names[have]} → ${names[want]}${organisation ? ` (what ${organisation} implements)` : ""}: `,
      STATUSES.map((s) => `${counts[s]} ${s}`).join(", "),
      ` of ${verdicts.length} units; ${Math.round(c.reuseRatio * 100)}% covered or reusable. `,
      h("button", { type: "button", id: "export-coverage", onclick: exportCsv }, "Export CSV")),
    bar, table);
}

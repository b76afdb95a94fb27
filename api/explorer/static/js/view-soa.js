// The ISO/IEC 42001 Statement of Applicability: each Annex A control, whether it is included and why, its
// evidence on the day, and the gaps (included controls without valid evidence, or resting on expired
// evidence). Exportable as CSV with the columns of `aimsgraph soa --format csv`.
import { gql } from "./api.js";
import { clear, h, label, message, statusBadge, today, word } from "./dom.js";
import { download, toCsv } from "./csv.js";

export const TITLE = "Statement of Applicability";
const COLUMNS = ["control", "title", "included", "status", "justification", "evidence", "evidence_status", "flag"];

const QUERY = `query Soa($asOf: Date) {
  statementOfApplicability(asOf: $asOf) {
    included status justification evidenceStatus restsOnExpired
    control { ref title }
    evidence(first: 50) { edges { node { id status validUntil } } }
  }
}`;

export function isSoaGap(row) {
  return row.included && (row.restsOnExpired || row.evidenceStatus === "MISSING" || row.evidenceStatus === "EXPIRED");
}

export async function render(root, params, { navigate, current }) {
  const asOf = params.asOf || today();
  const gapsOnly = params.gaps === "1";
  const controls = h("form", { class: "controls", onsubmit: (e) => e.preventDefault() },
    label("As of", h("input", { type: "date", name: "asOf", value: asOf, onchange: (e) => navigate({ ...params, asOf: e.target.value }) })),
    h("label", { class: "check" }, h("input", { type: "checkbox", name: "gaps", checked: gapsOnly, onchange: (e) => navigate({ ...params, gaps: e.target.checked ? "1" : "" }) }), " gaps only"));
  clear(root, h("h2", {}, "Statement of Applicability"), controls, message("Loading…"));
  const data = await gql(QUERY, { asOf });
  if (!current()) return;
  const rows = data.statementOfApplicability;
  const gaps = rows.filter(isSoaGap);
  const shown = gapsOnly ? gaps : rows;
  const cells = (r) => [
    r.control.ref, r.control.title || "", r.included ? "yes" : "no", word(r.status), r.justification || "",
    r.evidence.edges.map((e) => e.node.id).join(" "), word(r.evidenceStatus), r.restsOnExpired ? "rests on expired evidence" : "",
  ];
  const exportCsv = () => download(`statement-of-applicability-${asOf}.csv`, toCsv(COLUMNS, rows.map(cells)));
  const table = h("table", { class: "data soa", "aria-label": "Statement of Applicability" },
    h("thead", {}, h("tr", {}, ["control", "included", "status", "justification", "evidence", "flag"].map((t) => h("th", { scope: "col" }, t)))),
    h("tbody", {}, shown.map((r) => h("tr", { class: isSoaGap(r) ? "gap" : "" },
      h("td", {}, h("a", { href: `#/provisions?framework=iso42001&ref=${encodeURIComponent(r.control.ref)}` }, r.control.ref),
        r.control.title ? h("div", { class: "sub" }, r.control.title) : null),
      h("td", {}, r.included ? "yes" : "no"),
      h("td", {}, word(r.status)),
      h("td", {}, r.justification || ""),
      h("td", {}, statusBadge(r.evidenceStatus), r.evidence.edges.map((e) => h("div", { class: "sub" }, `${e.node.id} (${word(e.node.status)})`))),
      h("td", {}, r.restsOnExpired ? h("span", { class: "flag" }, "rests on expired evidence") : "")))));
  clear(root, h("h2", {}, "Statement of Applicability"), controls,
    h("p", { class: "summary" }, `ISO/IEC 42001 Annex A, as of ${asOf}: ${rows.length} controls, ${rows.filter((r) => r.included).length} included, `,
      h("strong", { class: gaps.length ? "gap-count" : "" }, `${gaps.length} gaps`), " (included without valid evidence, or resting on expired evidence). ",
      h("button", { type: "button", id: "export-soa", onclick: exportCsv }, "Export CSV")),
    shown.length ? table : message("No gaps."));
}

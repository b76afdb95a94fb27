// CSV files built in the browser. Every text cell goes through spreadsheetCell, the same rule as
// core/safe_text.py's spreadsheet_cell (a test checks they agree): a spreadsheet runs a cell that starts
// with a formula character, so such a cell is quoted with a leading apostrophe and shows as text.

const FORMULA_START = ["=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20"];

export function spreadsheetCell(text) {
  return FORMULA_START.some((c) => text.startsWith(c)) ? `'${text}` : text;
}

function field(value) {
  if (typeof value === "number") return String(value);
  const text = spreadsheetCell(value === null || value === undefined ? "" : String(value));
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns, rows) {
  return [columns, ...rows].map((row) => row.map(field).join(",")).join("\n") + "\n";
}

// A download made in the page from a Blob: nothing is sent anywhere.
export function download(filename, text) {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

"""Text written into a file or a terminal that someone else opens: neutralised per format, so data can never
act on its reader.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@` (or a tab or carriage return before one) as a
formula (`=cmd|' /C calc'!A0`); a newline or `|` in a Markdown table cell forges rows and columns; an escape
sequence printed to a terminal can clear the screen or set the window title. Every export format and every
place the CLI prints data goes through one of these functions.
"""

from __future__ import annotations

import re

# The characters a spreadsheet application reads as the start of a formula (OWASP's CSV injection list).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# C0 and C1 control characters and DEL, except tab and newline (which `terminal_text` may keep).
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\u2028\u2029\x85\x0b\x0c]")


def spreadsheet_cell(text: str) -> str:
    """A cell value that a spreadsheet shows as text: a leading formula character is quoted with `'`.

    Numbers the product writes as numbers (strengths, counts) are not strings and never pass through here; a
    negative number written as text (`-3`) is shown as `'-3`, which is what the safe reading of it is.
    """
    return "'" + text if text.startswith(_FORMULA_START) else text


def markdown_cell(text: str) -> str:
    """Text for one cell of a Markdown table: one line, `|` and `\\` escaped, no control characters, and no
    HTML a renderer would run."""
    one_line = _LINE_BREAKS.sub(" ", text)
    cleaned = _CONTROL.sub("", one_line)
    return (
        cleaned.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("`", "\\`")
    )


def terminal_text(text: str, *, keep_newlines: bool = False) -> str:
    """Text safe to print to a terminal: every control character (ESC, BEL, CR, backspace, C1 codes) is shown
    as a visible `\\xNN` instead of being sent to the terminal."""

    def visible(match: re.Match[str]) -> str:
        return f"\\x{ord(match.group()):02x}"

    shown = _CONTROL.sub(visible, text)
    return shown if keep_newlines else shown.replace("\n", "\\n").replace("\t", " ")

"""Lenient reading of provision refs as people type them.

`Art. 9(2)`, `article 9 (2)` and `ARTICLE 9(2)` all mean `Article 9(2)`; `a.5.1` means `A.5.1`; `govern 1.1`
means `GOVERN 1.1`. A ref is reduced to a key (lower case, no spaces, abbreviations expanded) and looked up
among the keys of the refs that exist, so the rules need not know every framework's spelling.
"""

from __future__ import annotations

import re

_ABBREVIATIONS = (
    (re.compile(r"^(article|arts?\.?)\s*", re.IGNORECASE), "article"),
    (re.compile(r"^(chapter|chap\.?|ch\.?)\s*", re.IGNORECASE), "chapter"),
    (re.compile(r"^(annex|anx\.?)\s*", re.IGNORECASE), "annex"),
    (re.compile(r"^(clause|cl\.?)\s*(?=\d)", re.IGNORECASE), ""),
    (re.compile(r"\b(section|sec\.?)\s*", re.IGNORECASE), "section"),
)


def ref_key(ref: str) -> str:
    """The comparison key of a ref: `Art. 9 (2)(a)` → `article9(2)(a)`."""
    text = ref.strip().replace("§", "")
    for pattern, replacement in _ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return re.sub(r"\s+", "", text).lower()


def candidate_keys(ref: str) -> list[str]:
    """Keys to try in order: the ref as typed, then a bare number read as an article (`9(2)` → Article 9(2))."""
    key = ref_key(ref)
    keys = [key]
    if re.match(r"^\d+\(", key) or re.fullmatch(r"\d+", key):
        keys.append("article" + key)
    return keys


def annex_iii_ref(point: str) -> str:
    """An Annex III point as an inventory writes it ("5(b)") as the catalog's ref ("Annex III(5)(b)")."""
    match = re.fullmatch(r"\(?(\d+)\)?(.*)", point.strip())
    return f"Annex III({match.group(1)}){match.group(2)}" if match else f"Annex III {point}"

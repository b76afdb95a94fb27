"""`aimsgraph frameworks`, `provisions`, `provision`, `acts` and `search`: the bundled catalogs, and the dates the
law gives their provisions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer
from rich.text import Text

from core.safe_text import terminal_text
from graph.service import SEARCH_LIMIT
from graph.views.read import (
    to_jsonable,
)

if TYPE_CHECKING:
    pass
from api.cli.common import (
    SCOPE_NAMES,
    AsOfOption,
    JsonOption,
    ScopeOption,
    app,
    dates_json,
    iso,
    make_table,
    out,
    plain,
    print_json,
    provision_row,
    snapshot,
)


@app.command()
def frameworks(as_json: JsonOption = False) -> None:
    """The frameworks in the graph."""
    with snapshot() as answers:
        views = answers.catalog.frameworks()
    if as_json:
        print_json(
            [
                {
                    "id": f.id,
                    "name": f.name,
                    "title": f.title,
                    "version": f.version,
                    "issued": f.issued.isoformat(),
                    "binding": f.binding,
                    "provisionCount": f.provision_count,
                }
                for f in views
            ]
        )
        return
    out.print(
        make_table(
            "Frameworks",
            ["id", "name", "version", "issued", "provisions"],
            [[f.id, f.name, f.version, f.issued.isoformat(), str(f.provision_count)] for f in views],
        )
    )


@app.command()
def provisions(
    framework: Annotated[str, typer.Argument(help="Framework id, e.g. iso42001.")],
    kind: Annotated[str | None, typer.Option(help="Only this kind, e.g. control or article.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Every provision of a framework, in document order."""
    with snapshot() as answers:
        views = answers.catalog.provisions(framework, kind)
        dates = [answers.catalog.dates(v) for v in views]
    if as_json:
        print_json([provision_row(v, d) for v, d in zip(views, dates, strict=True)])
        return
    out.print(
        make_table(
            f"{framework}: {len(views)} provisions",
            ["ref", "kind", "title"],
            [[v.ref, v.kind, v.title or ""] for v in views],
        )
    )


@app.command()
def provision(
    framework: Annotated[str, typer.Argument(help="Framework id.")],
    ref: Annotated[str, typer.Argument(help="Ref as written, e.g. 'Article 9(2)', 'Art. 9(2)', 'a.5.1'.")],
    as_of: AsOfOption = None,
    scope: ScopeOption = "all",
    as_json: JsonOption = False,
) -> None:
    """One provision with its summary, parent, children and when it applies (as amended; the original too)."""
    day = as_of.date() if as_of else None
    with snapshot() as answers:
        view = answers.catalog.provision(framework, ref)
        children = answers.catalog.children(view)
        dates = answers.catalog.dates(view, scope=scope, as_of=day)
        child_dates = [answers.catalog.dates(c, scope=scope, as_of=day) for c in children]
    if as_json:
        print_json(
            {
                **provision_row(view, dates),
                "framework": view.framework,
                "dates": dates_json(dates),
                "children": [provision_row(c, d) for c, d in zip(children, child_dates, strict=True)],
            }
        )
        return
    out.print(
        Text.assemble((terminal_text(f"{view.framework} {view.ref}"), "bold"), plain(f"  {view.title or ''}")),
        highlight=False,
    )
    out.print(plain(f"kind: {view.kind}" + (f"   part of: {view.parent}" if view.parent else "")), highlight=False)
    if view.addressees:
        out.print(plain(f"binds: {', '.join(view.addressees)}"), highlight=False)
    if dates.applies_from:
        line = f"applies from: {dates.applies_from.isoformat()}"
        if dates.scope != "all":
            line += f" (for high-risk systems through {SCOPE_NAMES[dates.scope]})"
        if dates.rule:
            line += f" — {dates.rule.basis}"
        if dates.amended:
            line += f"; originally {iso(dates.original)}"
        out.print(plain(line), highlight=False)
    if view.used_in:
        out.print(plain(f"used in: {', '.join(view.used_in)}"), highlight=False)
    if view.summary:
        out.print(plain(f"\n{view.summary}"), highlight=False)
    if children:
        out.print(
            make_table(
                "\nContains",
                ["ref", "kind", "title / summary"],
                [[c.ref, c.kind, c.title or (c.summary or "")] for c in children],
            )
        )


@app.command()
def acts(
    framework: Annotated[str, typer.Argument(help="A law's framework id, e.g. eu-ai-act.")],
    as_json: JsonOption = False,
) -> None:
    """The law as first published and the acts that amended its dates: status, Official Journal, sources."""
    with snapshot() as answers:
        found = answers.catalog.acts(framework)
    if as_json:
        print_json([to_jsonable(a) for a in found])
        return
    out.print(
        make_table(
            f"{framework}: the law and its amendments",
            ["act", "status", "in force", "Official Journal", "title"],
            [[a.id, a.status, iso(a.in_force) or "", a.oj_reference or "", a.title] for a in found],
        )
    )
    for act in found:
        if act.uncertainty:
            out.print(plain(f"{act.id}: {act.uncertainty}"), highlight=False)


@app.command()
def search(
    text: Annotated[str, typer.Argument(help="A ref or words from titles and summaries.")],
    framework: Annotated[str | None, typer.Option(help="Only this framework.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=SEARCH_LIMIT, help="Most results.")] = 50,
    as_json: JsonOption = False,
) -> None:
    """Find provisions by ref or by words in titles and summaries."""
    with snapshot() as answers:
        views = answers.catalog.search(text, framework, limit)
    if as_json:
        print_json([{"framework": v.framework, **provision_row(v)} for v in views])
        return
    out.print(
        make_table(
            f"{len(views)} match(es) for {text!r}",
            ["framework", "ref", "kind", "title"],
            [[v.framework, v.ref, v.kind, v.display_title] for v in views],
        )
    )

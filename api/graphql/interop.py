"""Documents for other tools, fetched over GraphQL by an admin: OSCAL, CISO Assistant libraries, SSSOM.

A GRC tool that syncs on a schedule asks for the same document the CLI's `export` writes; the service builds
it once for both. Admin only: a profile or component definition tells an organisation's whole control state.
"""

from __future__ import annotations

from enum import Enum

import strawberry

from graph.service import Answers


@strawberry.enum(description="A document another tool reads (docs/interop.md).")
class InteropFormat(Enum):
    OSCAL_CATALOG = "oscal-catalog"
    OSCAL_MAPPING_COLLECTION = "oscal-mapping-collection"
    OSCAL_PROFILE = "oscal-profile"
    OSCAL_COMPONENT_DEFINITION = "oscal-component-definition"
    CISO_ASSISTANT = "ciso-assistant"
    SSSOM = "sssom"


_MEDIA = {
    InteropFormat.CISO_ASSISTANT: ("application/yaml", "yaml"),
    InteropFormat.SSSOM: ("text/tab-separated-values", "sssom.tsv"),
}


@strawberry.type(description="One exported document: its text and how to save it.")
class InteropDocument:
    format: InteropFormat = strawberry.field(description="The format asked for.")
    media_type: str = strawberry.field(description="The document's media type.")
    filename: str = strawberry.field(description="A file name for it.")
    content: str = strawberry.field(description="The document itself.")


def interop_document(
    answers: Answers, fmt: InteropFormat, subject: str | None, organisation: str | None
) -> InteropDocument:
    """The document, or the service's own error (unknown framework, set or organisation)."""
    name = subject or organisation or "iso42001"
    if fmt is InteropFormat.CISO_ASSISTANT:
        content = answers.interop.ciso_assistant(name)
    elif fmt is InteropFormat.SSSOM:
        content = answers.exports.mapping_set(name, "sssom")
    else:
        document = fmt.value.removeprefix("oscal-")
        content = answers.interop.oscal(document, subject or "iso42001", organisation)
    media, extension = _MEDIA.get(fmt, ("application/json", "json"))
    return InteropDocument(format=fmt, media_type=media, filename=f"{name}.{fmt.value}.{extension}", content=content)

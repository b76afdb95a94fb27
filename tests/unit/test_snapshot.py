"""One snapshot per command or request: the store's revision is read once, and answers never mix revisions."""

from __future__ import annotations

from core.records import GraphBatch
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from ontology.namespaces import provision_iri


class CountingStore(EmbeddedStore):
    """The embedded store, counting how often its revision is asked for (a round trip on a remote store)."""

    revision_reads = 0

    @property
    def revision(self) -> int:
        CountingStore.revision_reads += 1
        return super().revision


def counting_service() -> tuple[Service, EmbeddedStore]:
    store = CountingStore.open(None)
    service = Service(store)
    service.load(include_bundled=True, replace=True)
    return service, store


def test_a_whole_inferred_crosswalk_reads_the_revision_once() -> None:
    _, store = counting_service()
    service = Service(store)  # a reader that has not built a snapshot yet (the loader's service has one)
    CountingStore.revision_reads = 0
    answers = service.answers()
    rows = answers.crosswalks.crosswalk("iso27001", "eu-ai-act", include_inferred=True)
    answers.crosswalks.coverage("iso42001", have="iso27001", include_inferred=True)
    # once for the request, once more after building its snapshot (to be sure no write landed meanwhile)
    assert len(rows) > 100 and CountingStore.revision_reads == 2
    CountingStore.revision_reads = 0
    again = service.answers()  # a snapshot already built: one read
    again.crosswalks.crosswalk("iso27001", "eu-ai-act", include_inferred=True)
    assert CountingStore.revision_reads == 1


def test_an_answer_keeps_its_revision_while_the_store_moves_on() -> None:
    service, store = counting_service()
    answers = service.answers()
    before = len(answers.catalog.provisions("iso42001"))
    removed = [provision_iri("iso42001", "A.2.2"), provision_iri("iso42001", "A.2.3")]
    store.write(GraphBatch(deletes=removed))
    assert len(answers.catalog.provisions("iso42001")) == before  # the snapshot of the request
    assert len(service.answers().catalog.provisions("iso42001")) == before - 2  # the next request sees it

"""obligations(asset) over generated organisations, against a plain-dict floor and a naive rdflib baseline.

- ours: `answers.organisation.obligations(asset)` worked out on a warm snapshot (indexes built once per revision,
  facts taken in through `uses` memoised, the memo of whole answers cleared before each), with evidence, reasons
  and dates; the same question repeated (read back from that memo) is reported beside it;
- floor: the same applicability (which provisions apply to the asset) computed over plain dicts prepared in
  advance; the benchmark checks that both find the same provisions. It leaves out evidence and dates, so it is
  a lower bound, not the same work;
- baseline (smaller size only): what a first implementation would do — fetch the asset's kind, roles and the
  facts of everything it reaches in up to three `uses` hops with one rdflib SPARQL query, then apply the rules.

Run alone with `.venv/bin/python bench/obligations.py [--quick]`; `bench/run.py` calls it too.
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing
import random
import resource
import statistics
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

import standalone

from core.vocabulary import CLOSED_VALUE_NAMES, EXPIRING_WITHIN_DAYS, OPEN_FACTS, ORG_FACTS, PROPAGATING_FACTS
from graph.read.refs import annex_iii_ref
from graph.read.snapshot_cache import SnapshotCache
from graph.service import Service
from graph.stores.embedded import EmbeddedStore
from graph.views.read import AssetView, ConditionView, OrganisationView, ProvisionView
from graph.views.write import Actor

KINDS = ["ai_system", "model", "dataset", "vendor", "use_case"]


def generate(size: int, seed: int = 7) -> dict[str, Any]:
    """An organisation of `size` assets, each using up to 20 earlier ones (a realistic shallow fan-in)."""
    rng = random.Random(seed)
    assets = []
    for i in range(size):
        window = range(max(0, i - 200), i)
        assets.append(
            {
                "id": f"a{i}",
                "kind": rng.choice(KINDS),
                "name": f"Asset {i}",
                "owner": f"team{i % 50}",
                "roles": rng.sample(["provider", "deployer", "controller"], 2),
                "annex_iii": ["5(b)"] if i % 7 == 0 else [],
                "personal_data": i % 3 == 0,
                "automated_decisions": i % 5 == 0,
                "uses": [f"a{j}" for j in rng.sample(window, min(len(window), 20))],
            }
        )
    return {"organisation": {"id": f"gen{size}", "name": f"Generated {size}"}, "assets": assets}


RANK = {"missing": 0, "expired": 1, "expiring": 2, "valid": 3}
STATUSES = ["missing", "expired", "expiring", "valid"]


_CLOSED_VALUES = CLOSED_VALUE_NAMES


def _state(name: str, asset: AssetView, facts: set[str], org: OrganisationView) -> bool | None:
    if name in facts:
        return True
    if name in ORG_FACTS:
        return True if name in org.facts else False if name in org.denied else None
    if name in OPEN_FACTS:
        return False if name in asset.denied else None
    return None if name in asset.unknown else False


def _open(
    when: ConditionView, asset: AssetView, facts: set[str], org: OrganisationView, roles: dict[str, int]
) -> int | None:
    """A rule's condition against an asset: None when it fails, else how many parts the inventory leaves open."""
    if when.kinds and asset.kind not in when.kinds:
        return None
    open_ = 0
    if when.roles:
        held = [roles[r] for r in when.roles if r in roles]
        if not held:
            return None
        open_ += min(held)
    if any(r in asset.roles for r in when.not_roles):
        return None
    for name in when.facts:
        state = _state(name, asset, facts, org)
        if state is False:
            return None
        open_ += state is None
    if when.any_facts:
        states = [_state(name, asset, facts, org) for name in when.any_facts]
        if not any(states):
            if None not in states:
                return None
            open_ += 1
    for name in when.not_facts:
        state = _state(name, asset, facts, org)
        if state is True:
            return None
        open_ += state is None
    points = {annex_iii_ref(p) for p in asset.annex_iii}
    if (when.annex_iii == "any" and not points) or (when.annex_iii == "none" and points):
        return None
    if isinstance(when.annex_iii, tuple):
        wanted = {annex_iii_ref(p) for p in when.annex_iii}
        points = {p for p in points if p in wanted or any(p.startswith(w + "(") for w in wanted)}
        if not points:
            return None
    if when.annex_iii_except:
        left_out = {annex_iii_ref(p) for p in when.annex_iii_except}
        if not {p for p in points if p not in left_out and not any(p.startswith(w + "(") for w in left_out)}:
            return None
    values = dict(org.values) | dict(asset.values)
    for name, allowed in when.values:
        value = values.get(name)
        if value is None and name not in _CLOSED_VALUES:
            open_ += 1
        elif value not in allowed:
            return None
    for name, refused in when.not_values:
        value = values.get(name)
        if value is None and name not in _CLOSED_VALUES:
            open_ += 1
        elif value in refused:
            return None
    for name, _ in when.before:
        if values.get(name) is None:
            open_ += 1
    if when.dated_before is not None:
        stated = [dt.date.fromisoformat(v) for k, v in asset.values if k in ("placed_on_market", "put_into_service")]
        if not stated or min(stated) >= when.dated_before:
            return None  # an unknown date never hedges: Article 111's rules only note what they would do
    if when.in_scope is not None and asset.in_scope != when.in_scope:
        return None
    if when.management_system is not None:
        inside = asset.in_scope if asset.ms_scopes is None else when.management_system in asset.ms_scopes
        if when.management_system not in org.management_systems or not inside:
            return None
    if when.no_management_system is not None and when.no_management_system in org.management_systems:
        return None
    return open_


def _summary(engine: Any, org: str, asset: str) -> list[tuple[Any, ...]]:
    """Each obligation's provision, addressee, evidence status and date: what the floor must also find."""
    found = engine.obligations(asset, org=org).obligations
    return [(o.provision.iri, o.addressee, o.status, o.dates.applies_from) for o in found]


def _floor_summary(floor: Floor, asset: str) -> list[tuple[Any, ...]]:
    return [(item[2], item[3], item[6], item[7]) for item in floor.answer(asset)]


def _obligations(engine: Any, org: str, asset: str) -> object:
    return engine.obligations(asset, org=org)


def _worked_out(answers: Any, org: str, asset: str) -> object:
    """The asset's answer worked out on the warm snapshot, not read back from the snapshot's memo of answers (a
    repeated question is a dict lookup, which says nothing of the engine's work)."""
    answers.snapshot.answered.clear()
    answers.snapshot.held = 0
    return answers.organisation.obligations(asset, org=org)


def median_ms(fn: Any, items: list[str]) -> float:
    samples = []
    for item in items:
        started = time.perf_counter()
        fn(item)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e3


class Floor:
    """The same answer from plain dicts and tuples prepared once: the least work the question can take.

    Prepared in advance (untimed), as the engine's snapshot is: each rule's condition and provisions, the
    SoA exclusions, every provision's evidence candidates (direct, through ancestors and covering mappings)
    and its dates per route, and the facts each asset takes in through `uses`. Per asset (timed), `answer`
    matches the rules, gathers addressees and reasons, filters the evidence to the asset, rates it on the
    day, picks the best status and the dates, and sorts: the engine's work, without its view objects.
    """

    def __init__(self, service: Service, org: str, day: dt.date) -> None:
        answers = service.answers()
        snapshot = answers.snapshot
        engine = answers.organisation
        self.day = day
        self.org = org
        self.assets = {a.id: a for a in engine.assets(org)}
        self.organisation = engine.organisation(org)
        self.rules: list[tuple[ConditionView, set[str], str, tuple[str, ...]]] = []
        self.full_rules: list[tuple[ConditionView, list[tuple[str, str, int]], str | None, bool, str]] = []
        self.grants: list[tuple[ConditionView, str]] = []
        provisions: dict[str, ProvisionView] = {}
        for framework, rules in sorted(snapshot.rules.by_framework.items()):
            for rule in rules:
                views = [snapshot.catalog.by_iri[i] for i in rule.provisions if i in snapshot.catalog.by_iri]
                if rule.kinds:
                    views += [v for v in snapshot.catalog.units(framework) if v.kind in rule.kinds]
                self.rules.append((rule.condition, {v.iri for v in views}, rule.id, rule.replaces))
                if rule.grants_role:
                    self.grants.append((rule.condition, rule.grants_role))
                self.full_rules.append(
                    (
                        rule.condition,
                        [(v.iri, v.framework, v.order) for v in views],
                        rule.addressee,
                        rule.voluntary,
                        rule.id,
                    )
                )
                provisions.update((v.iri, v) for v in views)
        self.excluded = {
            iri for (o, iri), c in snapshot.organisations.controls.items() if o == org and c.status == "excluded"
        }
        self.candidates = {
            iri: [(e.id, e.valid_until, frozenset(e.assets), via) for e, via in engine._candidates(view, org)]
            for iri, view in provisions.items()
        }
        self.dates = {
            (iri, scope): answers.catalog.dates(view, scope=scope, as_of=day).applies_from
            for iri, view in provisions.items()
            for scope in ("all", "annex_iii", "annex_i")
        }
        self.facts: dict[str, set[str]] = {}
        for asset_id in sorted(self.assets, key=lambda i: int(i[1:])):  # generated ids: dependency order
            asset = self.assets[asset_id]
            taken = set()
            for used in asset.uses:
                other = self.assets[used]
                if other.kind != "vendor":
                    taken |= (set(other.facts) & PROPAGATING_FACTS) | self.facts[used]
            self.facts[asset_id] = taken

    def _roles(self, asset: AssetView, facts: set[str]) -> dict[str, int]:
        """The asset's roles and those a rule grants, with how many open parts each grant rests on."""
        roles = dict.fromkeys(asset.roles, 0)
        for _ in range(3):
            changed = False
            for when, role in self.grants:
                found = _open(when, asset, facts, self.organisation, roles)
                if found is not None and (role not in roles or roles[role] > found):
                    roles[role] = found
                    changed = True
            if not changed:
                break
        return roles

    def _holding(self, asset: AssetView, facts: set[str]) -> list[int]:
        """The index of every rule that holds (or may) once derogations have taken what they replace."""
        roles = self._roles(asset, facts)
        found = {}
        for index, (when, _, rule_id, _replaces) in enumerate(self.rules):
            open_ = _open(when, asset, facts, self.organisation, roles)
            if open_ is not None:
                found[rule_id] = (index, open_)
        gone = {
            other
            for when, _, rule_id, replaces in self.rules
            if replaces and rule_id in found and found[rule_id][1] == 0
            for other in replaces
        }
        return [index for rule_id, (index, _) in found.items() if rule_id not in gone]

    def answer(self, asset_id: str) -> list[tuple[Any, ...]]:
        asset = self.assets[asset_id]
        facts = set(asset.facts) | self.facts[asset_id]
        scope = "annex_i" if "annex_i" in asset.facts else "annex_iii" if asset.annex_iii else "all"
        gathered: dict[str, list[Any]] = {}
        roles = self._roles(asset, facts)
        for index in self._holding(asset, facts):
            when, provisions, addressee, voluntary, rule_id = self.full_rules[index]
            role = min((r for r in when.roles if r in roles), key=roles.__getitem__, default=None)
            reason = (rule_id, role, when.facts)
            for iri, framework, order in provisions:
                if iri in self.excluded:
                    continue
                found = gathered.get(iri)
                if found is None:
                    who = addressee or role or "organisation"
                    gathered[iri] = found = [framework, order, iri, who, [], voluntary, addressee == "organisation"]
                found[4].append(reason)
        day = self.day
        soon = day + dt.timedelta(days=EXPIRING_WITHIN_DAYS)
        answer = []
        for framework, order, iri, who, reasons, voluntary, org_wide in gathered.values():
            evidence = [
                (eid, "valid" if until is None or until >= soon else "expiring" if until >= day else "expired", via)
                for eid, until, scoped, via in self.candidates.get(iri, ())
                if org_wide or not scoped or asset_id in scoped
            ]
            best = max((RANK[e[1]] for e in evidence), default=0)
            answer.append(
                (framework, order, iri, who, reasons, evidence, STATUSES[best], self.dates[(iri, scope)], voluntary)
            )
        answer.sort(key=lambda item: (item[0], item[1]))
        return answer

    def applies(self, asset_id: str) -> set[str]:
        asset = self.assets[asset_id]
        facts = set(asset.facts) | self.facts[asset_id]
        found: set[str] = set()
        for index in self._holding(asset, facts):
            found |= self.rules[index][1]
        return found


def _load_in_child(store: str, path: str, results: Any) -> None:
    """Load the generated organisation into the on-disk store, in a process of its own so that its peak
    memory is the load's alone."""
    opened = EmbeddedStore.open(store)
    service = Service(opened, snapshots=SnapshotCache.beside(opened))
    started = time.perf_counter()
    service.load([Path(path)])
    seconds = time.perf_counter() - started
    service.close()
    results.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def _one_asset_through_the_service(service: Service, org: str, data: dict[str, Any]) -> dict[str, Any]:
    """Change one asset as a GRC tool does (the service's write path, which GraphQL's upsertAsset calls), and
    ask for its obligations: the write with its audit entry, and the first answer after it."""
    asset = dict(data["assets"][len(data["assets"]) // 3])
    writes, answers = [], []
    for attempt in range(5):
        asset["owner"] = f"owner-{attempt}"
        started = time.perf_counter()
        service.inventory.upsert_asset(Actor("cli", name="bench"), org, asset)
        written = time.perf_counter()
        service.answers().organisation.obligations(asset["id"], org=org)
        writes.append(written - started)
        answers.append(time.perf_counter() - written)
    return {"upsert_one_asset_s": statistics.median(writes), "obligations_after_upsert_s": statistics.median(answers)}


def _changed_one_asset(data: dict[str, Any], path: Path) -> None:
    """The same inventory with one asset's owner changed, as a user edits one row and reloads the file."""
    middle = data["assets"][len(data["assets"]) // 2]
    middle["owner"] = "another-team"
    path.write_text(json.dumps(data))


def run(quick: bool, sizes: tuple[int, ...] = ()) -> dict[str, Any]:
    sizes = sizes or ((1_000, 5_000) if quick else (10_000, 100_000))
    results: dict[str, Any] = {"sizes": {}}
    for size in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            store_path = Path(tmp) / "store"
            path = Path(tmp) / "org.json"
            data = generate(size)
            path.write_text(json.dumps(data))
            seed = EmbeddedStore.open(store_path)
            Service(seed).load(include_bundled=True, replace=True)
            seed.close()
            context = multiprocessing.get_context("spawn")
            queue = context.Queue()
            child = context.Process(target=_load_in_child, args=(str(store_path), str(path), queue))
            child.start()
            load_s, load_peak_mib = queue.get()
            child.join()
            reader = EmbeddedStore.open(store_path, read_only=True)
            service = Service(reader, snapshots=SnapshotCache.beside(reader))
            started = time.perf_counter()
            answers = service.answers()  # what a new process pays for its first answer
            index_s = time.perf_counter() - started
            org = f"gen{size}"
            sample = [f"a{i}" for i in random.Random(size).sample(range(size), 100)]
            for asset in sample:  # warm the memo of facts taken in, as a server's first requests do
                answers.organisation.obligations(asset, org=org)
            memo_ms = median_ms(partial(_obligations, answers.organisation, org), sample)
            ours = median_ms(partial(_worked_out, answers, org), sample)
            floor = Floor(service, org, dt.date.today())
            same = all(
                {o.provision.iri for o in answers.organisation.obligations(a, org=org).obligations}
                | {e.provision.iri for e in answers.organisation.obligations(a, org=org).excluded}
                == floor.applies(a)
                for a in sample[:20]
            )
            same_answer = all(_summary(answers.organisation, org, a) == _floor_summary(floor, a) for a in sample[:20])
            floor_ms = median_ms(floor.answer, sample)
            applies_ms = median_ms(floor.applies, sample)
            point: dict[str, Any] = {
                "load_s": load_s,
                "load_peak_mib": load_peak_mib,
                "index_s": index_s,
                "ours_ms": ours,
                "ours_memo_ms": memo_ms,
                "floor_ms": floor_ms,
                "vs_floor": ours / floor_ms,
                "same_provisions": same,
                "same_answer": same_answer,
                "applicability_only_ms": applies_ms,
            }
            if size == sizes[0]:
                point.update(sparql_baseline(service, org, sample[:10], floor))
            service.close()
            changed = Path(tmp) / "changed.json"
            _changed_one_asset(data, changed)
            writer = EmbeddedStore.open(store_path)
            service = Service(writer, snapshots=SnapshotCache.beside(writer))
            service.answers()  # the writer's snapshot, as a running server holds it
            started = time.perf_counter()
            report = service.load([changed])
            point["reload_one_changed_s"] = time.perf_counter() - started
            point["reload_revision_moved"] = report.revision > 0 and not report.unchanged
            point.update(_one_asset_through_the_service(service, org, data))
            service.close()
            results["sizes"][size] = point
    results["flatness"] = results["sizes"][sizes[-1]]["ours_ms"] / results["sizes"][sizes[0]]["ours_ms"]
    return results


def sparql_baseline(service: Service, org: str, sample: list[str], floor: Floor) -> dict[str, Any]:
    import rdflib

    graph = rdflib.Graph().parse(data=service.answers().exports.graph("nt"), format="nt")
    query = """
    PREFIX ag: <https://w3id.org/aimsgraph/ontology#>
    SELECT ?fact ?role ?kind ?via WHERE {
      ?a ag:inOrganisation/<http://purl.org/dc/terms/identifier> ?org ; <http://purl.org/dc/terms/identifier> ?id ;
         a ?kind .
      OPTIONAL { ?a ag:role ?role }
      OPTIONAL { ?a ag:fact ?fact }
      OPTIONAL { ?a (ag:uses/ag:uses?/ag:uses?) ?via . ?via ag:fact ?fact }
    }"""

    def ask(asset: str) -> object:
        rows = graph.query(query, initBindings={"id": rdflib.Literal(asset), "org": rdflib.Literal(org)})
        list(rows)
        return floor.applies(asset)  # then the same rules as the floor

    baseline = median_ms(ask, sample)
    return {"sparql_baseline_ms": baseline}


def report(results: dict[str, Any]) -> None:
    print("\nobligations(asset) over generated organisations (median of 100 assets, warm)")
    for size, p in results["sizes"].items():
        line = (
            f"{size:>7} assets: load {p['load_s']:.1f} s (peak {p['load_peak_mib']:.0f} MiB), first answer in a new "
            f"process {p['index_s']:.2f} s, reload with one asset changed {p['reload_one_changed_s']:.1f} s, "
            f"one asset changed through the service {p['upsert_one_asset_s'] * 1e3:.0f} ms (its obligations "
            f"next {p['obligations_after_upsert_s'] * 1e3:.0f} ms), "
            f"ours {p['ours_ms']:.2f} ms (repeated, from the memo: {p['ours_memo_ms'] * 1e3:.1f} µs), "
            f"dict floor {p['floor_ms']:.3f} ms (×{p['vs_floor']:.1f}; same answer: "
            f"{p['same_answer']}), applicability alone in dicts {p['applicability_only_ms']:.3f} ms"
        )
        if "sparql_baseline_ms" in p:
            line += (
                f", naive SPARQL {p['sparql_baseline_ms']:.1f} ms (ours ×{p['ours_ms'] / p['sparql_baseline_ms']:.3f})"
            )
        print(line)
    print(f"flatness (largest / smallest, ours): {results['flatness']:.2f}")


if __name__ == "__main__":
    sys.exit(standalone.main(__doc__, run, report))

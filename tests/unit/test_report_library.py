"""The Cypher report library without a server: every bundled report is well-formed, the read-only check
refuses writes however they are dressed up, and parameters are typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from core.errors import NotFoundError, UsageError
from graph.cypher.reports import ReportRefused, bind, check_read_only, find, library, parse, parse_assignments


def test_the_library_holds_at_least_twelve_reports_each_with_a_question_and_typed_parameters() -> None:
    reports = library()
    assert len(reports) >= 12
    for name, report in reports.items():
        assert report.question.endswith("?"), name
        assert report.description, name  # how the answer is worked out, what a row holds
        for param in report.params:
            assert param.doc, f"{name}: parameter {param.name} is not described"


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (n:X)",
        "MATCH (n) SET n.x = 1",
        "match (n) detach delete n",
        "MATCH (n) DELETE n",
        "MERGE (n:X {id: 1})",
        "MATCH (n:Provision) REMOVE n:Provision",
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "MATCH (n) CALL { WITH n RETURN n AS m } IN TRANSACTIONS RETURN m",
        "CALL db.labels()",
        "CALL db.createLabel('X')",
        "CALL apoc.create.node(['X'], {})",
        "RETURN apoc.create.uuid()",
        "MATCH (n) FOREACH (x IN [1] | SET n.y = x)",
        "DROP INDEX foo",
        "CREATE INDEX foo FOR (n:X) ON (n.id)",
        "MATCH (n) RETURN n; MATCH (m) DETACH DELETE m",
        "MATCH (n) RETURN n /* a comment */ SET n.x = 1",
        "MATCH (n) WHERE n.note = 'ends here' SET n.x = 1",
        "MATCH (n) RETURN n // trailing\nCREATE (m)",
        "USE system SHOW USERS",
        "MATCH (n) WITH n, $ SET n.x = 1",  # an empty parameter name is not a map's opening brace
        "INSERT (n:X)",  # GQL's CREATE
        "MATCH (n:`Provision`) WITH n SET n.`weird name` = 1",
    ],
)
def test_a_statement_that_could_write_is_refused(cypher: str) -> None:
    with pytest.raises(ReportRefused):
        check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) WHERE n.title CONTAINS 'CREATE' RETURN n",  # a word inside a string
        'MATCH (n) WHERE n.title = "DELETE everything; MERGE" RETURN n',
        "MATCH (n) // CREATE (m) in a comment\nRETURN n",
        "MATCH (n) /* SET n.x = 1 */ RETURN n",
        "MATCH (n:Set)-[:MERGE]->(m) RETURN n.set, m.create",  # labels, types and keys named like clauses
        "RETURN {set: 1, delete: 2} AS m",
        "MATCH (n) RETURN n.`CREATE` AS c",
        "MATCH (n) CALL { WITH n MATCH (n)-[r]->() RETURN count(r) AS c } RETURN c",
        "RETURN date('2026-01-01') + duration({days: 3}) AS d, duration.inDays(date(), date()).days AS x",
        "MATCH (n) RETURN n;",
        "MATCH (n) RETURN n LIMIT 10",
        "RETURN 1.5e3 AS x, 0x1F AS y, [1, 2][0..1] AS z, toUpper('a') AS u, `toLower`('B') AS l",
        "RETURN {a: {set: 1}, b: [1, 2]} AS m",
    ],
)
def test_reads_pass_whatever_their_strings_comments_and_names_hold(cypher: str) -> None:
    check_read_only(cypher)


@pytest.mark.parametrize(
    "cypher",
    ["MATCH (n) WHERE n.x = 'never closed RETURN n", "MATCH (n) /* never closed CREATE (m)", "MATCH (`never) RETURN 1"],
)
def test_an_unterminated_string_comment_or_name_is_refused_rather_than_guessed(cypher: str) -> None:
    with pytest.raises(ReportRefused, match="unterminated"):
        check_read_only(cypher)


# The hostile probe's shapes (issue 24): each passed the checker and was stopped only by the server's parser,
# which may differ from Neo4j's. The checker must refuse them itself.
@pytest.mark.parametrize(
    "cypher",
    [
        "MATCH (n) WITH n LIMIT 1CREATE (m:X)",  # a keyword glued to a number
        "MATCH (n) WITH n LIMIT 1SET n.x = 1",
        "MATCH (n) WITH n SKIP 0x1FMERGE (m:X {id: 1})",  # glued to a hexadecimal number
        "MATCH (n) WITH n LIMIT 1.5e3DETACH DELETE n",
        "RETURN 1CALL db.createLabel('X')",
        "RETURN `apoc.create.uuid`() AS id",  # a backticked function name
        "RETURN `apoc`.`create`.uuid() AS id",
        "RETURN apoc.`create`.uuid() AS id",
        "RETURN `apoc`.create.node(['X'], {}) AS n",
        "RETURN `db.createLabel` ('X')",
        "MATCH (n) RETURN n // a comment ended by a carriage return\rCREATE (m)",
        "MATCH (n) RETURN n // a comment ended by a line separator\u2028CREATE (m)",
        "MATCH (n) WITH n, CREATE: 1",  # not a map: no brace is open
        "MATCH (n) RETURN n UNION MATCH (m) WITH m, SET: 1",
        "WITH 1 AS x CALL `db`.labels() YIELD label RETURN label",
    ],
)
def test_the_probes_writing_statements_are_refused_by_the_checker_itself(cypher: str) -> None:
    with pytest.raises(ReportRefused):
        check_read_only(cypher)


def test_an_escaped_quote_does_not_end_a_string_early() -> None:
    check_read_only(r"MATCH (n) WHERE n.x = 'it\'s CREATE' RETURN n")
    with pytest.raises(ReportRefused):
        check_read_only(r"MATCH (n) WHERE n.x = 'it\\' CREATE (m) RETURN n")


REPORT = """// How many provisions does a framework hold? One row with the count.
// param: framework string = "eu-ai-act"  the framework id
// param: since date  provisions applying from this day
// param: limit int = 10  at most this many
MATCH (p:Provision)-[:IN_FRAMEWORK]->(:Framework {framework_id: $framework})
WHERE p.applies_from >= $since
RETURN count(p) AS provisions LIMIT $limit
"""


def test_parameters_are_typed_defaulted_and_required() -> None:
    report = parse(REPORT, "count", "test")
    assert report.question == "How many provisions does a framework hold?"
    assert bind(report, {"since": "2026-08-02"}) == {
        "framework": "eu-ai-act",
        "since": dt.date(2026, 8, 2),
        "limit": 10,
    }
    with pytest.raises(UsageError, match="needs --param since=<date>"):
        bind(report, {})
    with pytest.raises(UsageError, match="parameter limit must be an integer, not 'ten'"):
        bind(report, {"since": "2026-08-02", "limit": "ten"})
    with pytest.raises(UsageError, match=r"since must be a date \(YYYY-MM-DD\)"):
        bind(report, {"since": "yesterday"})
    with pytest.raises(UsageError, match="has no parameter 'frame'"):
        bind(report, {"since": "2026-08-02", "frame": "gdpr"})
    with pytest.raises(UsageError, match="name=value"):
        parse_assignments(["limit"])


def test_a_report_must_say_its_question_and_declare_exactly_the_parameters_it_uses() -> None:
    with pytest.raises(UsageError, match="no header comment"):
        parse("MATCH (n) RETURN n", "bare", "test")
    with pytest.raises(UsageError, match=r"used but not declared \['x'\]"):
        parse("// What is x?\nRETURN $x", "undeclared", "test")


def test_a_report_file_that_writes_is_refused_when_it_is_read(tmp_path: Path) -> None:
    path = tmp_path / "sneaky.cypher"
    path.write_text("// Which nodes are there? All of them.\nMATCH (n) DETACH DELETE n\n")
    with pytest.raises(ReportRefused, match="DETACH"):
        find(str(path))


def test_an_unknown_report_lists_the_known_ones() -> None:
    with pytest.raises(NotFoundError, match="unknown report 'nosuch'; known: annex-a-not-covered-by-27001"):
        find("nosuch")

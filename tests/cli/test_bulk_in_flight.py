"""``bulk --resume`` reads back the rows its journal had in flight (issue 27): a row HubSpot has (with its labels)
is journaled confirmed without being sent again, the others are sent; a read that fails falls back to sending."""

from __future__ import annotations

import json
import threading
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

from hubspot_associations.cli._input import ParsedRow, read_rows, row_fingerprint
from hubspot_associations.cli._journal import Journal, read_journal
from hubspot_associations.emulator import Association, EmulatorConfig, RunningEmulator, run_emulator_in_thread
from tests.cli.cli_support import Cli, write

HEADER = "from_type,from_id,to_type,to_id,type_id,category\n"
READ = "/crm/v4/associations/contacts/companies/batch/read"
# line: (labelled, what HubSpot has before the resume: None, "default" or "label")
ROWS = {
    2: (False, "default"),  # in flight, created: found
    3: (False, "default"),  # in flight, created: found
    4: (False, None),  # in flight, never arrived: sent again
    5: (True, "label"),  # in flight, created with its label: found
    6: (True, "default"),  # in flight, but HubSpot has the pair without the row's label: sent again
    7: (True, None),  # in flight, never arrived: sent again
    8: (False, None),  # sent, failed (a "-" entry): not in flight, sent as any unconfirmed row
    9: (False, "default"),  # confirmed in the journal: skipped
}


def _files(emulator: RunningEmulator, tmp_path: Path) -> tuple[Path, list[tuple[str, str]]]:
    """The input file and its pairs, the associations HubSpot already has, and a journal as a killed run left it."""
    contacts, companies = emulator.state.object_ids("0-1"), emulator.state.object_ids("0-2")
    pairs = [(contacts[line], companies[line]) for line in ROWS]
    rows, seeds = [], []
    for (labelled, seeded), (contact, company) in zip(ROWS.values(), pairs, strict=True):
        label = "36,USER_DEFINED" if labelled else ","
        rows.append(f"contacts,{contact},companies,{company},{label}\n")
        if seeded is not None:
            seeds.append(f"contacts,{contact},companies,{company},{label if seeded == 'label' else ','}\n")
    path = write(tmp_path / "rows.csv", HEADER + "".join(rows))
    seed = write(tmp_path / "seed.csv", HEADER + "".join(seeds))
    assert Cli(emulator)("bulk", str(seed)).exit_code == 0
    parsed = {item.line: item for item in read_rows(path, None) if isinstance(item, ParsedRow)}
    with Journal(tmp_path / "rows.csv.journal") as journal:
        journal.record_in_flight([9, 2, 3])
        journal.record(9, row_fingerprint(parsed[9].row))
        journal.record_in_flight([4, 5, 6, 7])
        journal.record_in_flight([8])
        journal.record_failed([8])
    assert read_journal(tmp_path / "rows.csv.journal").in_flight == {2, 3, 4, 5, 6, 7}
    return path, pairs


def _count_acceptances(emulator: RunningEmulator) -> Counter[tuple[str, str]]:
    accepted: Counter[tuple[str, str]] = Counter()
    lock = threading.Lock()
    apply = emulator.state.apply

    def counting(rows: Iterable[Association], *, batch: bool = False) -> None:
        rows = list(rows)
        with lock:
            accepted.update((row.from_id, row.to_id) for row in rows)
        apply(rows, batch=batch)

    emulator.state.apply = counting  # type: ignore[method-assign]
    return accepted


def test_rows_in_flight_that_hubspot_has_are_journaled_not_sent_again(cli: Cli, tmp_path: Path) -> None:
    path, pairs = _files(cli.emulator, tmp_path)
    accepted = _count_acceptances(cli.emulator)
    before = len(cli.emulator.state.request_log)
    result = cli("bulk", str(path), "--resume", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["in_flight_found"], summary["in_flight_resent"]) == (3, 3)
    assert (summary["confirmed"], summary["skipped_already_confirmed"], summary["failed"]) == (4, 4, 0)
    # One read for the six rows in flight (one object pair), before anything is sent.
    log = [request_path for _, request_path, _ in cli.emulator.state.request_log[before:]]
    assert log[0] == READ and log.count(READ) == 1
    assert summary["requests"] == len(log)  # the read counts as a request sent
    # Sent: the rows HubSpot did not have (6 lacked its label), and line 8; never the rows read back or journaled.
    by_line = dict(zip(ROWS, pairs, strict=True))
    assert accepted == Counter({by_line[line]: 1 for line in (4, 6, 7, 8)})
    assert read_journal(tmp_path / "rows.csv.journal").confirmed.keys() == set(ROWS)
    assert read_journal(tmp_path / "rows.csv.journal").in_flight == frozenset()
    labels = {
        (a.from_id, a.to_id, a.type_id) for a in cli.emulator.state.all_associations() if a.category == "USER_DEFINED"
    }
    assert {(*by_line[line], 36) for line in (5, 6, 7)} <= labels


def test_the_text_summary_says_how_many_rows_in_flight_were_found_and_sent_again(cli: Cli, tmp_path: Path) -> None:
    path, _ = _files(cli.emulator, tmp_path)
    result = cli("bulk", str(path), "--resume")
    assert result.exit_code == 0, result.output
    text = " ".join(result.stdout.split())
    assert (
        "In flight when the last run stopped: 6 rows, read back first: 3 found in HubSpot (journaled, not sent "
        "again), 3 sent again" in text
    )


def test_a_read_back_that_fails_sends_the_rows_again_and_says_so_once(tmp_path: Path) -> None:
    # The emulator refuses batch reads of more than one id (a 400, as HubSpot does over its cap).
    with run_emulator_in_thread(EmulatorConfig(rate_limit=None, seed=5, batch_read_limit=1)) as emulator:
        path, pairs = _files(emulator, tmp_path)
        accepted = _count_acceptances(emulator)
        result = Cli(emulator)("bulk", str(path), "--resume", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["in_flight_found"], summary["in_flight_resent"], summary["confirmed"]) == (0, 6, 7)
    message = " ".join(result.stderr.split())
    assert message.count("Reading back the rows in flight when the last run stopped failed") == 1
    assert "sent again" in message
    by_line = dict(zip(ROWS, pairs, strict=True))
    assert accepted == Counter({by_line[line]: 1 for line in (2, 3, 4, 5, 6, 7, 8)})  # idempotent: harmless
    assert read_journal(tmp_path / "rows.csv.journal").confirmed.keys() == set(ROWS)


def test_a_stop_before_the_read_back_sends_nothing_and_says_nothing(cli: Cli, tmp_path: Path) -> None:
    # Ctrl-C while reading back: the read ends at once (no request), no row is taken as found, no failure is claimed.
    from rich.console import Console

    from hubspot_associations import BulkStats, HubSpotAssociations
    from hubspot_associations.cli._bulk_run import _read_back

    path, _ = _files(cli.emulator, tmp_path)
    rows = [item for item in read_rows(path, None) if isinstance(item, ParsedRow) and item.line in (2, 3, 4)]
    stop = threading.Event()
    stop.set()
    console = Console(record=True, width=200)
    before = len(cli.emulator.state.request_log)
    client = HubSpotAssociations(cli.emulator.token, base_url=cli.emulator.base_url)
    stats = BulkStats()
    with client, Journal(tmp_path / "other.journal") as journal:
        assert _read_back(client, journal, rows, stop, console, stats) == {}
    assert len(cli.emulator.state.request_log) == before
    assert stats.requests == 0  # a call stopped before its first attempt was not sent
    assert console.export_text() == ""


def test_a_v2_journal_resumes_and_becomes_v3(cli: Cli, tmp_path: Path) -> None:
    path, _ = _files(cli.emulator, tmp_path)
    parsed = [item for item in read_rows(path, None) if isinstance(item, ParsedRow)]
    # As an earlier version left it: confirmed entries only (line 9's and line 2's), no in-flight entries.
    journal = tmp_path / "rows.csv.journal"
    with Journal(journal, "restart") as writer:
        writer.record_all([(item.line, row_fingerprint(item.row)) for item in parsed if item.line in (2, 9)])
    journal.write_bytes(journal.read_bytes().replace(b"journal v3", b"journal v2", 1))
    result = cli("bulk", str(path), "--resume", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert (summary["skipped_already_confirmed"], summary["confirmed"], summary["in_flight_found"]) == (2, 6, 0)
    assert journal.read_text().startswith("# hubspot-associations journal v3\n")
    assert read_journal(journal).confirmed.keys() == set(ROWS)

"""One rule for association specs: the library, the CLI's ``--type`` and input files agree on what they accept."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from hypothesis import assume, given
from hypothesis import strategies as st

from hubspot_associations import AssociationRow, AssociationSpec, InvalidInputError
from hubspot_associations._models import coerce_specs, spec_from_text
from hubspot_associations._validation import ASSOCIATION_CATEGORIES
from hubspot_associations.cli._commands import parse_type_option
from hubspot_associations.cli._input import ParsedRow, RowProblem, read_rows


def _library(category: str, type_id: int) -> AssociationSpec | None:
    try:
        return AssociationSpec(category, type_id)
    except InvalidInputError:
        return None


def _cli(category: str, type_id: int) -> AssociationSpec | None:
    try:
        return parse_type_option(f"{type_id}:{category}")
    except typer.BadParameter:
        return None


def _file(tmp_path: Path, category: str, type_id: int) -> AssociationSpec | None:
    path = tmp_path / "rows.jsonl"
    path.write_text(
        f'{{"from_type": "contacts", "from_id": "1", "to_type": "companies", "to_id": "2", '
        f'"type_id": {type_id}, "category": "{category}"}}\n',
        encoding="utf-8",
    )
    (row,) = read_rows(path, "jsonl")
    if isinstance(row, RowProblem):
        return None
    assert isinstance(row, ParsedRow)
    (spec,) = row.row.specs
    return spec


@pytest.mark.parametrize(
    ("category", "expected"),
    [
        ("USER_DEFINED", "USER_DEFINED"),
        ("user_defined", "USER_DEFINED"),
        ("Integrator_Defined", "INTEGRATOR_DEFINED"),
        ("work", "WORK"),
        ("FRIENDS", None),
        ("hub\u017fpot_defined", None),  # U+017F upper-cases to "S": refused everywhere, not folded
    ],
)
def test_library_cli_and_files_agree(tmp_path: Path, category: str, expected: str | None) -> None:
    results = {_library(category, 36), _cli(category, 36), _file(tmp_path, category, 36)}
    assert results == {None if expected is None else AssociationSpec(expected, 36)}


@given(
    st.sampled_from(sorted(ASSOCIATION_CATEGORIES)).flatmap(
        lambda name: st.lists(st.booleans(), min_size=len(name), max_size=len(name)).map(
            lambda flips: "".join(ch.lower() if flip else ch for ch, flip in zip(name, flips, strict=True))
        )
    )
    | st.text(alphabet=st.characters(codec="utf-8", exclude_characters=":"), max_size=20),
    st.integers(min_value=-5, max_value=2**31 + 5),
)
def test_library_and_cli_agree_on_any_input(category: str, type_id: int) -> None:
    # The CLI reads "36:" as 36 and strips around ':' (shell quoting): not the value the library gets.
    assume(category and category.strip() == category)
    assert _library(category, type_id) == _cli(category, type_id)


def test_text_form_names_its_fields() -> None:
    with pytest.raises(InvalidInputError) as info:
        spec_from_text("12ab", "")
    assert info.value.argument == "type_id"
    with pytest.raises(InvalidInputError) as info:
        spec_from_text("9" * 5000, "")  # int() would refuse this many digits with a plain ValueError
    assert info.value.argument == "type_id" and "2**31-1" in info.value.reason
    with pytest.raises(InvalidInputError) as info:
        spec_from_text("0", "")
    assert info.value.argument == "type_id"
    with pytest.raises(InvalidInputError) as info:
        spec_from_text("36", "FRIENDS")
    assert info.value.argument == "category"
    assert spec_from_text("0036", "") == AssociationSpec.hubspot_defined(36)


def test_rows_and_calls_coerce_alike() -> None:
    specs: list[AssociationSpec | int] = [AssociationSpec("user_defined", 36), 279]
    assert AssociationRow("contacts", 1, "companies", 2, specs=specs).specs == tuple(coerce_specs(specs))
    assert AssociationRow("contacts", 1, "companies", 2).specs == ()
    with pytest.raises(InvalidInputError) as info:
        AssociationRow("contacts", 1, "companies", 2, specs=[279, True])
    assert info.value.argument == "specs[1]"

"""State identity: ``resolve_state`` against the COW list, the ISO crosswalk and the alias table.

The oracle (``strategies.state_records``) reads the same sources independently; see
``tests/strategies.py`` for the rules it applies.
"""

from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from realpolitik.data import State, all_states, resolve_state, resolve_states
from realpolitik.errors import InputError, StateYearError, UnknownStateError
from strategies import (
    any_years,
    crosswalk_available,
    junk_strings,
    query_forms,
    records_by_code,
    state_queries,
    state_records,
    states,
)

needs_iso = pytest.mark.skipif(
    not crosswalk_available("iso3"), reason="crosswalks/iso3_ccode.csv not written yet"
)

SUGGESTION = re.compile(r"^(\S+) \((\d+), (.+)\)$")


# ------------------------------------------------------------------------------------------
# examples
# ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "ccode"),
    [
        ("China", 710),
        ("CHN", 710),
        (710, 710),
        ("710", 710),
        ("prc", 710),
        ("PRC", 710),
        ("People's Republic of China", 710),
        ("people’s republic of china", 710),
        ("  cHiNa\t", 710),
        ("cow:CHN", 710),
        ("cow:710", 710),
        ("COW:chn", 710),
        ("USSR", 365),
        ("Soviet Union", 365),
        ("russia", 365),
        ("RUS", 365),
        ("AUS", 305),
        ("aus", 305),
        ("cow:AUS", 305),
        ("Austria", 305),
        ("Australia", 900),
        ("United States", 2),
        ("usa", 2),
        ("2", 2),
        ("Germany", 255),
        ("GMY", 255),
        ("West Germany", 260),
        ("Taiwan", 713),
    ],
)
def test_resolve_examples(query: str | int, ccode: int) -> None:
    state = resolve_state(query)
    assert isinstance(state, State)
    assert state.ccode == ccode


@needs_iso
@pytest.mark.parametrize(
    ("query", "ccode"),
    [
        ("iso:AUS", 900),
        ("iso:aus", 900),
        ("ISO:AT", 305),
        ("iso:AUT", 305),
        ("AUT", 305),
        ("iso:CHN", 710),
        ("iso:cn", 710),
        ("DEU", 255),
        ("de", 255),
        ("iso:RUS", 365),
        ("RU", 365),
        ("iso:usa", 2),
        ("iso:NA", 565),
    ],
)
def test_resolve_iso_examples(query: str, ccode: int) -> None:
    assert resolve_state(query).ccode == ccode


def test_cow_reading_wins_over_iso_for_bare_codes() -> None:
    """AUS is Austria in COW and Australia in ISO: bare AUS is COW's, documented."""
    assert resolve_state("AUS").name == "Austria"
    assert resolve_state("cow:AUS").name == "Austria"


@needs_iso
def test_iso_prefix_forces_iso_reading() -> None:
    state = resolve_state("iso:AUS")
    assert (state.ccode, state.abb, state.name) == (900, "AUL", "Australia")
    assert state.iso3 == "AUS"
    assert resolve_state(305).iso3 == "AUT"


def test_state_attributes_of_the_three_powers() -> None:
    china, russia, usa = resolve_state(710), resolve_state(365), resolve_state(2)
    assert (china.abb, china.name, china.spells) == ("CHN", "China", ((1860, 2024),))
    assert (russia.abb, russia.name, russia.spells) == ("RUS", "Russia", ((1816, 2024),))
    assert (usa.abb, usa.name, usa.spells) == ("USA", "United States of America", ((1816, 2024),))
    assert str(china) == "CHN (710, China)"


def test_all_states_is_the_cow_list() -> None:
    got = all_states()
    want = state_records()
    assert [s.ccode for s in got] == [r.ccode for r in want]
    assert len(got) == 217
    assert len({s.abb for s in got}) == len(got), "COW abbreviations must be unique"
    for s in got:
        r = records_by_code()[s.ccode]
        assert (s.abb, s.name, s.spells) == (r.abb, r.name, r.spells)


@pytest.mark.parametrize("alias_row", [
    pytest.param((r.ccode, a), id=a) for r in state_records() for a in r.aliases
])
def test_every_alias_resolves_to_its_listed_state(alias_row: tuple[int, str]) -> None:
    ccode, alias = alias_row
    assert resolve_state(alias).ccode == ccode
    assert resolve_state(alias.upper()).ccode == ccode


def test_every_state_resolves_from_every_form_exhaustively() -> None:
    """Deterministic sweep of all states × all forms (the property test samples the same)."""
    wrong = []
    for rec in state_records():
        for form, query in query_forms(rec):
            got = resolve_state(query).ccode
            if got != rec.ccode:
                wrong.append((form, query, rec.ccode, got))
    assert not wrong


@needs_iso
def test_bare_iso_codes_that_are_cow_abbreviations_read_as_cow() -> None:
    collisions = {
        r.iso3: r for r in state_records()
        if r.iso3 and r.iso3 in {s.abb for s in state_records()} and r.iso3 != r.abb
    }
    assert "AUS" in collisions
    for iso3, rec in collisions.items():
        assert resolve_state(iso3).abb == iso3
        assert resolve_state(f"iso:{iso3}").ccode == rec.ccode


# ------------------------------------------------------------------------------------------
# properties
# ------------------------------------------------------------------------------------------
@given(state_queries())
def test_every_form_resolves_to_its_state(case: tuple[str | int, int]) -> None:
    query, ccode = case
    assert resolve_state(query).ccode == ccode


@given(state_queries())
def test_resolution_is_idempotent(case: tuple[str | int, int]) -> None:
    query, _ = case
    state = resolve_state(query)
    assert resolve_state(state) is state
    assert resolve_state(state.ccode) == state
    assert resolve_state(str(state.ccode)) == state
    assert resolve_state(state.abb) == state
    assert resolve_state(state.name) == state


@given(st.lists(states(), min_size=1, max_size=5, unique_by=lambda r: r.ccode), st.data())
def test_resolve_states_keeps_order(recs: list, data: st.DataObject) -> None:
    queries = [data.draw(state_queries(r)) for r in recs]
    got = resolve_states([q for q, _ in queries])
    assert [s.ccode for s in got] == [c for _, c in queries]


@given(states(), st.data())
def test_naming_a_state_twice_is_an_input_error(rec, data: st.DataObject) -> None:
    (q1, _), (q2, _) = data.draw(state_queries(rec)), data.draw(state_queries(rec))
    with pytest.raises(InputError, match="more than once"):
        resolve_states([q1, q2])


def _check_suggestions(err: UnknownStateError) -> None:
    codes = records_by_code()
    assert len(err.suggestions) <= 4
    for text in err.suggestions:
        m = SUGGESTION.match(text)
        assert m, f"suggestion {text!r} is not 'ABB (code, name)'"
        abb, code, name = m.group(1), int(m.group(2)), m.group(3)
        assert code in codes
        assert (codes[code].abb, codes[code].name) == (abb, name)
        assert str(resolve_state(code)) == text
    if err.suggestions:
        assert "did you mean" in str(err)


@given(junk_strings())
@example("Chna")
@example("Untied States")
@example("")
def test_junk_raises_unknown_state_error_with_real_suggestions(junk: str) -> None:
    with pytest.raises(UnknownStateError) as info:
        resolve_state(junk)
    assert info.value.query == junk
    _check_suggestions(info.value)


def test_near_miss_gets_the_intended_suggestion() -> None:
    with pytest.raises(UnknownStateError) as info:
        resolve_state("Chna")
    assert "CHN (710, China)" in info.value.suggestions
    with pytest.raises(UnknownStateError) as info:
        resolve_state("Untied States of America")
    assert "USA (2, United States of America)" in info.value.suggestions


@pytest.mark.parametrize(
    "query",
    [0, -1, 1, 999, 1000, "0", "999", "cow:999", "cow:0", "-5", "+2", "2.0", "710.0", "1e3",
     "0x2", "iso:XX", "iso:710", "cow:China", True, False],
)
def test_numeric_and_prefixed_junk_is_unknown(query: str | int) -> None:
    with pytest.raises(UnknownStateError) as info:
        resolve_state(query)
    _check_suggestions(info.value)


@pytest.mark.parametrize("query", [None, 710.0, 3.5, [710], (2,), b"CHN", {"ccode": 2}])
def test_wrong_types_are_input_errors(query: object) -> None:
    with pytest.raises(InputError):
        resolve_state(query)  # type: ignore[arg-type]


@pytest.mark.parametrize("query", ["²", "¹²", "cow:²", "٣²"])
def test_non_decimal_digits_are_unknown_states(query: str) -> None:
    with pytest.raises(UnknownStateError):
        resolve_state(query)


@pytest.mark.parametrize("code", [np.int16(710), np.int32(365), np.int64(2)])
def test_numpy_integer_codes_resolve(code: np.integer) -> None:
    assert resolve_state(code).ccode == int(code)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# membership years
# ------------------------------------------------------------------------------------------
def test_germany_1970_quotes_its_membership() -> None:
    with pytest.raises(StateYearError) as info:
        resolve_state("Germany", 1970)
    msg = str(info.value)
    assert "1816–1945" in msg
    assert "1990–2024" in msg
    assert "1970" in msg
    assert resolve_state("Germany", 1945).ccode == 255
    assert resolve_state("Germany", 1990).ccode == 255
    assert resolve_state("West Germany", 1970).ccode == 260


def test_china_joins_in_1860() -> None:
    assert resolve_state("China", 1860).ccode == 710
    with pytest.raises(StateYearError, match="1860–2024"):
        resolve_state("China", 1859)


@given(state_queries(), any_years())
def test_year_error_exactly_outside_membership(case: tuple[str | int, int], year: int) -> None:
    query, ccode = case
    rec = records_by_code()[ccode]
    if rec.is_member(year):
        assert resolve_state(query, year).ccode == ccode
    else:
        with pytest.raises(StateYearError) as info:
            resolve_state(query, year)
        msg = str(info.value)
        assert str(year) in msg
        for spell in rec.spell_texts():
            assert spell in msg


@given(states())
def test_membership_years_match_the_cow_spells(rec) -> None:
    state = resolve_state(rec.ccode)
    assert state.spells == rec.spells
    assert state.membership() == ", ".join(rec.spell_texts())
    for a, b in rec.spells:
        for year in (a, b):
            assert state.is_member(year)
            assert resolve_state(rec.ccode, year) == state

"""Input validation: clear errors for empty, non-Latin, too long and emoji input."""

from __future__ import annotations

import pytest

from qiao.engines.names import NameInputError, NameRequest


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"given": ""}, "given", "enter"),
        ({"given": "   "}, "given", "enter"),
        ({"given": "张伟"}, "given", "Latin"),
        ({"given": "Иван"}, "given", "Latin"),
        ({"given": "Emily😀"}, "given", "Latin"),
        ({"given": "Emily", "surname": "🙂"}, "surname", "Latin"),
        ({"given": "A" * 200}, "given", "too long"),
        ({"given": "Emily", "surname": "B" * 51}, "surname", "too long"),
        ({"given": "Emily2"}, "given", "Latin"),
        ({"given": "Emily", "gender": "robot"}, "gender", "female"),
        ({"given": "Emily", "style": "random"}, "style", "balanced"),
        ({"given": "Emily", "qualities": ("kind", "1234")}, "qualities", "word"),
        ({"given": "Emily", "qualities": tuple("abcdefghijk")}, "qualities", "At most"),
    ],
)
def test_bad_input_raises_a_clear_error(kwargs, field, words):
    with pytest.raises(NameInputError) as err:
        NameRequest(**kwargs)
    assert err.value.field == field
    assert words in str(err.value)


def test_good_input_is_normalised():
    r = NameRequest(
        given="  José ",
        surname="O'Neil",
        gender="female",
        qualities="kind, bright",
        style="meaning_first",
    )
    assert r.given == "Jose"
    assert r.surname == "O'Neil"
    assert r.qualities == ("kind", "bright")
    assert r.style == "meaning-first"


def test_fifty_characters_is_allowed():
    assert NameRequest(given="A" * 50).given == "A" * 50


def test_hyphenated_and_multiword_names_are_allowed():
    assert NameRequest(given="Mary-Jane", surname="van der Berg").surname == "van der Berg"

"""Chinese-name helper engine (plain Python, no Django).

Public interface::

    from qiao.engines.names import NameSuggester, NameRequest, NameInputError, check_name

    suggester = NameSuggester.default()       # tables load lazily, once per process
    suggester.warm_up()                       # optional: load everything now (~2 s)
    result = suggester.suggest(NameRequest(given="Emily", surname="Johnson",
                                           gender="female", qualities=("kind",)))
    result.transliteration.chinese            # '埃米莉·约翰逊'
    [s.chinese for s in result.suggestions]   # 5-10 names, each with pinyin/meanings/reasons
    result.to_dict()                          # JSON-ready

    suggester.transliterate("Michael", "Jordan").chinese   # '迈克尔·乔丹'
    check_name("杜", "子腾")                  # [CheckFailure(check='homophone', ...)]

See docs/names.md for the method, data and measured numbers.
"""

from .checks import check_name, style_notes, surname_reading
from .heritage import SurnameMatch, romanized_surname
from .suggest import NameSuggester
from .types import (
    AlternativeForm,
    CharInfo,
    CheckFailure,
    NameInputError,
    NameRequest,
    NameSuggesterProtocol,
    NameSuggestions,
    Rejection,
    Suggestion,
    Transliteration,
    TransliterationPart,
)

__all__ = [
    "CharInfo",
    "CheckFailure",
    "NameInputError",
    "NameRequest",
    "NameSuggester",
    "NameSuggesterProtocol",
    "NameSuggestions",
    "Rejection",
    "Suggestion",
    "AlternativeForm",
    "Transliteration",
    "TransliterationPart",
    "SurnameMatch",
    "check_name",
    "romanized_surname",
    "style_notes",
    "surname_reading",
]

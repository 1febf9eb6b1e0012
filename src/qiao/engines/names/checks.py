"""The checks every suggested Chinese name must pass.

Each check is a function ``(name: NameParts, res: Resources) -> list[CheckFailure]`` so it can
be tested alone; ``check_name`` runs them all.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from .pinyin import (
    fuzzy_key,
    mark,
    split_initial,
    text_readings,
    tone_of,
    toneless,
    valid_syllables,
)
from .resources import Resources, default_resources
from .types import CheckFailure

# Characters that no parent would put in a name, whatever the pinyin.
BAD_CHARS = frozenset(
    "死亡尸丧棺坟鬼魔屎尿屁粪痿癌病疼痛毒杀奸淫妓婊贱蠢笨傻呆骚臭丑穷衰贼骗贪瞎聋哑疯癫逼屌蛆狗猪驴"
)

# Strongly gendered characters (a male name never gets these, and vice versa), in addition
# to what the name-character table and real-name frequencies say.
FEMALE_ONLY = frozenset("娜婷娟妮娅莉丽媛婕嫣姗娇婉媚姬娥嫦姣妍妹姑")
MALE_ONLY = frozenset("雄刚强猛彪豪勇武军虎龙霸伟壮威鹏")

_APICAL = frozenset(("zh", "ch", "sh", "r", "z", "c", "s"))
_TONE_ZH = {1: "一声", 2: "二声", 3: "三声", 4: "四声", 5: "轻声"}


@dataclass(frozen=True)
class NameParts:
    surname: str
    given: str
    syllables: tuple[str, ...]  # numbered pinyin, surname first
    gender: str | None = None

    @property
    def chars(self) -> str:
        return self.surname + self.given


def surname_reading(surname: str, res: Resources | None = None) -> str | None:
    """The reading of a surname (CC-CEDICT "surname X" entries): 单 -> 'shan4'."""
    res = res or default_resources()
    s = res.surnames.get(surname)
    return s.pinyin if s else None


def char_pinyin(char: str, res: Resources | None = None) -> str:
    """The name reading of a given-name character (curated table, else pypinyin)."""
    res = res or default_resources()
    info = res.name_chars.get(char)
    if info:
        return info.pinyin
    return _pypinyin(char)


@lru_cache(maxsize=8192)
def _pypinyin(text: str) -> str:
    return text_readings(text)


def name_syllables(surname: str, given: str, res: Resources | None = None) -> tuple[str, ...]:
    res = res or default_resources()
    sur = surname_reading(surname, res) or _heritage_reading(surname) or _pypinyin(surname)
    return tuple(sur.split()) + tuple(char_pinyin(c, res) for c in given)


# ----------------------------------------------------------------------------- checks


def _is_hanzi(text: str) -> bool:
    return bool(text) and all("\u4e00" <= c <= "\u9fff" for c in text)


def _heritage_reading(surname: str) -> str | None:
    """The Mandarin reading of a surname written in characters by an Asian-heritage user
    (Korean 朴, Japanese 佐藤, 长谷川), or None when it is not one of the known surnames."""
    from .heritage import default_heritage

    h = default_heritage()
    return h.reading(surname) if h.known(surname) else None


def check_form(name: NameParts, res: Resources) -> list[CheckFailure]:
    """A surname of 1-2 (a Japanese one up to 3) and a given name of 1-2 Chinese characters."""
    max_surname = 3 if len(name.surname) == 3 and _heritage_reading(name.surname) else 2
    if (
        _is_hanzi(name.surname)
        and _is_hanzi(name.given)
        and len(name.surname) <= max_surname
        and len(name.given) <= 2
    ):
        return []
    return [
        CheckFailure(
            "form",
            "a Chinese name is a surname of 1-2 characters and a given name of 1-2 characters",
            "中文姓名应为一到两个字的姓加一到两个字的名",
        )
    ]


def check_common_chars(name: NameParts, res: Resources) -> list[CheckFailure]:
    rare = [c for c in name.chars if c not in res.common_chars]
    if not rare:
        return []
    return [
        CheckFailure(
            "common_chars",
            f"uses uncommon character(s) {''.join(rare)} (not in GB2312 level 1 or common "
            "name characters)",
            f"含生僻字{''.join(rare)}（不在GB2312一级字或常用名字用字中）",
        )
    ]


def check_surname(name: NameParts, res: Resources) -> list[CheckFailure]:
    out = []
    if name.surname not in res.surnames:
        heritage = _heritage_reading(name.surname)
        if heritage is not None:  # 佐藤, 南宫: a surname the user already has
            want_syl = heritage.split()
            got_syl = list(name.syllables[: len(want_syl)])
            if [toneless(s) for s in got_syl] == [toneless(s) for s in want_syl]:
                return []
        out.append(
            CheckFailure(
                "surname",
                f"{name.surname} is not a common Chinese surname",
                f"{name.surname}不是常见姓氏",
            )
        )
        return out
    reading = res.surnames[name.surname].pinyin.split()
    got = list(name.syllables[: len(reading)])
    if [toneless(s) + str(tone_of(s)) for s in got] != [
        toneless(s) + str(tone_of(s)) for s in reading
    ]:
        want = " ".join(mark(s) for s in reading)
        out.append(
            CheckFailure(
                "surname_reading",
                f"as a surname {name.surname} is read {want}, not {' '.join(mark(s) for s in got)}",
                f"{name.surname}作姓氏读{want}",
            )
        )
    return out


def check_tones(name: NameParts, res: Resources) -> list[CheckFailure]:
    tones = [tone_of(s) for s in name.syllables]
    out = []
    if len(tones) >= 3 and len(set(tones)) == 1:
        out.append(
            CheckFailure(
                "tones",
                f"all {len(tones)} syllables have tone {tones[0]}: monotonous",
                f"{len(tones)}个字都是{_TONE_ZH[tones[0]]}，读来单调",
            )
        )
    for a, b in zip(tones, tones[1:], strict=False):
        if a == b and a in (3, 4):
            out.append(
                CheckFailure(
                    "tones",
                    f"two {'third' if a == 3 else 'fourth'} tones in a row are awkward to say",
                    f"两个{_TONE_ZH[a]}相连，读来拗口",
                )
            )
            break
    return out


def check_repeats(name: NameParts, res: Resources) -> list[CheckFailure]:
    parts = [split_initial(s) for s in name.syllables]
    out = []
    initials = [i for i, _ in parts if i]
    dup_i = sorted({i for i in initials if initials.count(i) > 1})
    if dup_i:
        out.append(
            CheckFailure(
                "repeats",
                f"repeated initial {'/'.join(dup_i)}: a tongue-twister",
                f"声母{'/'.join(dup_i)}重复，像绕口令",
            )
        )
    # the "buzzed" -i of zhi/chi/shi/ri/zi/ci/si is a different vowel from the -i of li/yi
    finals = [("ɨ" if f == "i" and i in _APICAL else f) for i, f in parts]
    dup_f = sorted({f for f in finals if finals.count(f) > 1})
    if dup_f:
        out.append(
            CheckFailure(
                "repeats",
                f"repeated final -{'/-'.join(dup_f)}: sounds sing-song",
                f"韵母{'/'.join(dup_f)}重复，读来单调",
            )
        )
    return out


def _windows(keys: Sequence[str]) -> list[tuple[int, int]]:
    n = len(keys)
    return [(i, j) for i in range(n) for j in range(i + 2, n + 1)]


def check_homophones(name: NameParts, res: Resources) -> list[CheckFailure]:
    """Any run of 2+ adjacent syllables (the whole name, the given name, the surname with the
    first given character) that sounds like an unfortunate word (see ``_bad_hit``)."""
    out: list[CheckFailure] = []
    n_sur = len(name.syllables) - len(name.given)
    for i, j in _windows(name.syllables):
        hit = _bad_hit(name.syllables[i:j], res, within_given=i >= n_sur)
        if hit is None:
            continue
        word, gloss = hit
        part = name.chars[i:j]
        gloss_txt = f" '{gloss}'" if gloss else ""
        out.append(
            CheckFailure(
                "homophone",
                f"{part} sounds like{gloss_txt} ({word})",
                f"{part}谐音“{word}”",
            )
        )
        if len(out) >= 2:
            break
    return out


_FuzzyEntry = tuple[str, str, str, int, bool]  # word, gloss, tones, freq, curated
FUZZY_ANY_TONE_FREQ = 500  # a listed word this common is a pun whatever the tones


def _fuzzy_index(res: Resources) -> dict[str, list[_FuzzyEntry]]:
    """fuzzy key ('dusiten') -> candidate words, built once per Resources (curated first)."""
    cached: dict[str, list[_FuzzyEntry]] | None = res.__dict__.get("_fuzzy_bad")
    if cached is not None:
        return cached
    idx: dict[str, list[_FuzzyEntry]] = {}
    for curated, table in ((True, res.puns), (False, res.bad_words)):
        for key, bw in table.items():
            syls = _split_syllables(key)
            if syls is None:
                continue
            fk = "".join(fuzzy_key(s) for s in syls)
            idx.setdefault(fk, []).append((bw.word, bw.gloss_en, bw.tones, bw.freq, curated))
    res.__dict__["_fuzzy_bad"] = idx
    return idx


def _split_syllables(key: str) -> list[str] | None:
    """Split 'duziteng' into ['du','zi','teng'] (longest-first, backtracking)."""
    valid = valid_syllables()

    @cache
    def rec(i: int) -> tuple[str, ...] | None:
        if i == len(key):
            return ()
        for ln in range(min(6, len(key) - i), 0, -1):
            syl = key[i : i + ln]
            if syl in valid:
                rest = rec(i + ln)
                if rest is not None:
                    return (syl, *rest)
        return None

    got = rec(0)
    return list(got) if got is not None else None


def _tones_agree(a: str, b: str) -> bool:
    """Tone patterns agree, a neutral tone (5) agreeing with any."""
    ta, tb = a.split(), b.split()
    return len(ta) == len(tb) and all(x == y or "5" in (x, y) for x, y in zip(ta, tb, strict=True))


def _tone_slips(a: str, b: str) -> int:
    """How many syllables differ in tone (a neutral tone matching any)."""
    pairs = zip(a.split(), b.split(), strict=False)
    return sum(1 for x, y in pairs if x != y and "5" not in (x, y))


def _bad_hit(
    syllables: Sequence[str], res: Resources, *, within_given: bool = True
) -> tuple[str, str] | None:
    """The unfortunate word these syllables sound like, if any.

    * Curated entries (``puns.tsv``: bodily, vulgar, insulting, unlucky words, notorious and
      famous people) match by toneless pinyin: whatever the tones when the run lies inside
      the given name or covers three syllables or more (胡丽晶 hú lì jīng = 狐狸精, 可希 =
      可惜); with at most one tone different when it is the surname and the first given
      character (庞光 = 膀胱, 马通 mǎ tōng = 马桶 mǎ tǒng; but 李嘉 lǐ jiā is not 例假
      lì jià).  Runs of three syllables or more also match through the common mergers
      (n/l, zh/z, ch/c, sh/s, f/h, -in/-ing, -en/-eng, -an/-ang).
    * The long automatic list (CC-CEDICT/jieba negative words) needs exactly the same tones
      (姚明 yáo míng is not 要命 yào mìng; 晓洁 xiǎo jié is not 小姐 xiǎo jie), and merged
      matches also a very common word.
    """
    exact = "".join(toneless(s) for s in syllables)
    tones = " ".join(str(tone_of(s)) for s in syllables)
    long_run = len(syllables) >= 3
    bw = res.puns.get(exact)
    if bw is not None and (within_given or long_run or _tone_slips(bw.tones, tones) <= 1):
        return bw.word, bw.gloss_en
    bw = res.bad_words.get(exact)
    if bw is not None and bw.tones == tones:  # a neutral tone is no wildcard here
        return bw.word, bw.gloss_en
    if not long_run:
        return None
    fk = "".join(fuzzy_key(s) for s in syllables)
    for word, gloss, wtones, freq, curated in _fuzzy_index(res).get(fk, ()):
        if curated or (_tones_agree(wtones, tones) and freq >= FUZZY_ANY_TONE_FREQ):
            return word, gloss
    return None


def check_bad_chars(name: NameParts, res: Resources) -> list[CheckFailure]:
    bad = [c for c in name.given if c in BAD_CHARS]
    if not bad:
        return []
    return [
        CheckFailure(
            "bad_char",
            f"{''.join(bad)} has an unpleasant meaning for a name",
            f"{''.join(bad)}字义不宜入名",
        )
    ]


def gender_lean(char: str, res: Resources) -> str:
    """'f', 'm' or 'n' for a given-name character."""
    if char in FEMALE_ONLY:
        return "f"
    if char in MALE_ONLY:
        return "m"
    info = res.name_chars.get(char)
    if info:
        return info.gender
    m, f = res.name_char_freq.get(char, (0, 0))
    if m + f >= 200:
        if f > 5 * m:
            return "f"
        if m > 5 * f:
            return "m"
    return "n"


def check_gender(name: NameParts, res: Resources) -> list[CheckFailure]:
    if name.gender not in ("female", "male"):
        return []
    unwanted = "m" if name.gender == "female" else "f"
    bad = [c for c in name.given if gender_lean(c, res) == unwanted]
    if not bad:
        return []
    word = "masculine" if unwanted == "m" else "feminine"
    word_zh = "男性化" if unwanted == "m" else "女性化"
    return [
        CheckFailure(
            "gender",
            f"{''.join(bad)} is {word} for a {name.gender} name",
            f"{''.join(bad)}偏{word_zh}，不适合{'女' if name.gender == 'female' else '男'}名",
        )
    ]


CHECKS: dict[str, Callable[[NameParts, Resources], list[CheckFailure]]] = {
    "form": check_form,
    "homophone": check_homophones,
    "bad_char": check_bad_chars,
    "gender": check_gender,
    "common_chars": check_common_chars,
    "surname": check_surname,
}


#: Matters of taste, not of fitness: 王芳 (repeated -ang) and 罗琳 (repeated l-) are very
#: common, well-liked names.  They lower a suggestion's rank instead of rejecting it.
def check_phrase(name: NameParts, res: Resources) -> list[CheckFailure]:
    """A two-character given name that is an everyday adjective, verb or idiom reads as a
    phrase, not a name: 倪善良 sounds like 你善良 "you are kind", 张快乐 "Zhang is happy"."""
    if len(name.given) != 2 or name.given not in res.phrase_words:
        return []
    return [
        CheckFailure(
            "phrase",
            f"the given name {name.given} reads as the everyday word '{name.given}', "
            "so the name sounds like a phrase",
            f"名字“{name.given}”是常用词，连姓读像一句话",
        )
    ]


STYLE_CHECKS: dict[str, Callable[[NameParts, Resources], list[CheckFailure]]] = {
    "tones": check_tones,
    "repeats": check_repeats,
    "phrase": check_phrase,
}


def style_notes(
    surname: str,
    given: str,
    *,
    pinyin: Sequence[str] | None = None,
    res: Resources | None = None,
) -> list[CheckFailure]:
    """Style preferences a name does not meet (monotonous or awkward tones, a repeated initial
    or final): ranking signals for the suggester, never reasons to reject a name."""
    res = res or default_resources()
    syl = tuple(pinyin) if pinyin is not None else name_syllables(surname, given, res)
    name = NameParts(surname, given, syl)
    return [f for fn in STYLE_CHECKS.values() for f in fn(name, res)]


def check_name(
    surname: str,
    given: str,
    *,
    pinyin: Sequence[str] | None = None,
    gender: str | None = None,
    res: Resources | None = None,
) -> list[CheckFailure]:
    """Run every check on a Chinese name; [] means it passes.

    ``pinyin`` (numbered syllables, surname first) defaults to the surname reading plus the
    name readings of the given-name characters; pass it to check a proposed reading
    (e.g. ``["dan1", "li4"]`` for 单丽 fails ``surname_reading``).
    """
    res = res or default_resources()
    syl = tuple(pinyin) if pinyin is not None else name_syllables(surname, given, res)
    name = NameParts(surname, given, syl, gender)
    out: list[CheckFailure] = []
    for fn in CHECKS.values():
        out.extend(fn(name, res))
    return out

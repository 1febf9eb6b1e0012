"""NameSuggester: the standard transliteration plus Chinese-style names for an English name."""

from __future__ import annotations

import math
import re
import threading
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .checks import check_name, gender_lean, style_notes
from .heritage import SurnameMatch, romanized_surname
from .pinyin import mark, marked_name, text_readings, tone_of, toneless
from .resources import NameChar, Resources, Surname, default_resources
from .sound import EnglishSounds, best_match, targets_from_pinyin
from .translit import FEMALE_CHARS, HybridTransliterator, gender_rerank, phone_string
from .types import (
    AlternativeForm,
    CharInfo,
    NameRequest,
    NameSuggestions,
    Rejection,
    Suggestion,
    Transliteration,
    TransliterationPart,
)

# English quality words (and a few Chinese ones) -> tags used in the name-character table.
QUALITY_SYNONYMS: dict[str, str] = {
    "bright": "bright", "brilliant": "bright", "sunny": "bright", "radiant": "bright",
    "smart": "wise", "clever": "wise", "intelligent": "wise", "wise": "wise", "wisdom": "wise",
    "scholarly": "wise", "learned": "wise",
    "kind": "kind", "kindness": "kind", "caring": "kind", "compassionate": "kind",
    "generous": "kind", "good": "kind", "nice": "kind",
    "gentle": "gentle", "soft": "gentle", "tender": "gentle",
    "strong": "strong", "strength": "strong", "tough": "strong", "steadfast": "strong",
    "brave": "brave", "courageous": "brave", "bold": "brave", "heroic": "brave",
    "beautiful": "beautiful", "pretty": "beautiful", "lovely": "beautiful",
    "beauty": "beautiful", "handsome": "handsome", "elegant": "elegant",
    "graceful": "elegant", "refined": "elegant", "classy": "elegant",
    "calm": "calm", "serene": "calm", "quiet": "calm", "peaceful": "peaceful", "peace": "peaceful",
    "happy": "happy", "joyful": "happy", "cheerful": "happy", "joy": "happy", "fun": "happy",
    "honest": "honest", "sincere": "honest", "truthful": "honest", "loyal": "loyal",
    "faithful": "loyal", "pure": "pure", "innocent": "pure", "lucky": "lucky",
    "fortunate": "lucky", "luck": "lucky", "healthy": "healthy", "health": "healthy",
    "creative": "creative", "artistic": "creative", "musical": "creative",
    "hopeful": "hopeful", "ambitious": "hopeful", "optimistic": "hopeful", "hope": "hopeful",
    "noble": "noble", "dignified": "noble", "rich": "prosperous", "wealthy": "prosperous",
    "prosperous": "prosperous", "successful": "prosperous", "warm": "warm", "friendly": "warm",
    "loving": "warm", "diligent": "diligent", "hardworking": "diligent",
    "hard-working": "diligent", "nature": "nature", "natural": "nature", "precious": "precious",
    # Chinese
    "聪明": "wise", "智慧": "wise", "善良": "kind", "仁慈": "kind", "温柔": "gentle",
    "坚强": "strong", "强壮": "strong", "勇敢": "brave", "美丽": "beautiful", "漂亮": "beautiful",
    "英俊": "handsome", "优雅": "elegant", "文静": "calm", "安静": "calm", "平安": "peaceful",
    "快乐": "happy", "开朗": "happy", "诚实": "honest", "忠诚": "loyal", "纯洁": "pure",
    "幸运": "lucky", "吉祥": "lucky", "健康": "healthy", "创意": "creative", "希望": "hopeful",
    "高贵": "noble", "富贵": "prosperous", "温暖": "warm", "勤奋": "diligent", "自然": "nature",
    "光明": "bright", "明亮": "bright", "阳光": "bright",
}  # fmt: skip

QUALITY_ZH: dict[str, str] = {
    "bright": "明朗", "wise": "聪慧", "kind": "善良", "gentle": "温柔", "strong": "坚强",
    "brave": "勇敢", "beautiful": "美丽", "handsome": "英俊", "elegant": "优雅", "calm": "沉静",
    "peaceful": "平和", "happy": "快乐", "honest": "真诚", "loyal": "忠诚", "pure": "纯洁",
    "lucky": "吉祥", "healthy": "健康", "creative": "富有创意", "hopeful": "充满希望",
    "noble": "高雅", "prosperous": "兴旺", "warm": "温暖", "diligent": "勤奋",
    "nature": "亲近自然", "precious": "珍贵",
}  # fmt: skip

_STYLE_WEIGHTS = {"sound-alike": (0.75, 0.25), "balanced": (0.5, 0.5), "meaning-first": (0.2, 0.8)}
_GENDER_ZH = {"female": "女", "male": "男"}
_REJECTION_ORDER = {"homophone": 0, "bad_char": 1, "gender": 2, "surname_reading": 3}
SURNAME_POOL = 160  # most common single-character surnames considered
CHAR_POOL = 22  # given-name characters considered per position

Targets = list[list[tuple[str, float]]]
Match = tuple[tuple[float, ...], ...]  # per target sequence, per syllable


@dataclass(frozen=True)
class _Candidate:
    surname: Surname
    given: tuple[NameChar, ...]
    score: float
    sound: float
    meaning: float


class NameSuggester:
    """Suggests Chinese names for an English name. Thread-safe; build once, reuse.

    >>> s = NameSuggester.default()
    >>> r = s.suggest(NameRequest(given="Emily", surname="Johnson", gender="female"))
    >>> r.transliteration.chinese
    '埃米莉·约翰逊'
    """

    _default: NameSuggester | None = None
    _lock = threading.Lock()

    def __init__(self, resources: Resources | None = None) -> None:
        self.res = resources or default_resources()
        self.sounds = EnglishSounds()
        self._translit_cache: dict[tuple[str, str | None, bool], list[TransliterationPart]] = {}

    @classmethod
    def default(cls) -> NameSuggester:
        with cls._lock:
            if cls._default is None:
                cls._default = cls()
            return cls._default

    @cached_property
    def hybrid(self) -> HybridTransliterator:
        """The sound-based transliterator: spelling model + CMUdict pronunciation model."""
        return HybridTransliterator(self.res.translit_model, self.res.phone_model, self._pron)

    def _pron(self, word: str) -> str | None:
        phones = self.sounds.phones(word)
        return phone_string(phones) if phones else None

    def warm_up(self) -> None:
        """Load every table now (about 2 s) so that requests take milliseconds."""
        self.hybrid  # noqa: B018 - touch to load
        self.res.lookup  # noqa: B018 - touch to load
        self.res.common_chars  # noqa: B018 - touch to load
        self.sounds.cmu  # noqa: B018 - touch to load
        check_name("王", "安", res=self.res)
        self.suggest(NameRequest(given="Warm", surname="Up"))

    # ------------------------------------------------------------------ transliteration
    def transliterate_part(
        self, word: str, gender: str | None = None, use_lookup: bool = True
    ) -> list[TransliterationPart]:
        """Ranked transliterations of one name part (dictionary forms first)."""
        key = (word.lower(), gender, use_lookup)
        hit = self._translit_cache.get(key)
        if hit is None:
            hit = self._transliterate_part(word, gender, use_lookup)
            if len(self._translit_cache) > 5_000:
                self._translit_cache.clear()
            self._translit_cache[key] = hit
        return list(hit)

    def _transliterate_part(
        self, word: str, gender: str | None, use_lookup: bool
    ) -> list[TransliterationPart]:
        key = word.lower()
        model = self.res.translit_model
        forms = self.res.lookup.get(key, []) if use_lookup else []
        flagged = self.res.name_forms.get(key, {}) if use_lookup else {}
        # Attested forms, in this order (issue 13): mainland forms before Taiwan / Hong Kong
        # forms and variants (普京 before 普丁); the established form of a famous bearer
        # (牛顿 for Newton) first; then forms the sound model can produce, in source order
        # (CC-CEDICT, then CedPane), gender re-ranked; forms it cannot produce at all come
        # after them: Cantonese 米高, the brand 强生, translations (January -> 一月份).  If no
        # attested form is producible, the model's best guess leads.
        source_of: dict[str, str] = {}
        for chinese, source in forms:
            source_of.setdefault(chinese, source)
        for chinese in flagged:
            source_of.setdefault(chinese, "cc-cedict")
        regional: list[str] = []
        established: list[str] = []
        in_names: list[str] = []
        good: list[tuple[float, str]] = []
        odd: list[tuple[float, str]] = []
        for i, chinese in enumerate(source_of):
            flags = flagged.get(chinese, frozenset())
            if flags & {"tw", "hk", "var"}:
                regional.append(chinese)
            elif "famous" in flags:
                established.append(chinese)
            elif "inname" in flags:
                in_names.append(chinese)
            else:
                producible = len(chinese) <= 8 and model.score(word, chinese) is not None
                (good if producible else odd).append((-float(i), chinese))
        nbest = gender_rerank(self.hybrid.decode(word, nbest=8), gender)
        if established or in_names or good:
            order = established + in_names
            order += [c for c, _ in gender_rerank(good_sorted(good), gender)]
            order += [c for _, c in odd] + regional + [c for c, _ in nbest]
        else:
            # an attested CC-CEDICT name form beats a guess even if the model cannot spell it
            # (Johann -> 约翰); CedPane-only forms of that kind may be translations
            cedict_odd = [c for _, c in odd if source_of.get(c) == "cc-cedict"]
            other_odd = [c for _, c in odd if source_of.get(c) != "cc-cedict"]
            order = cedict_odd + [c for c, _ in nbest[:1]] + other_odd + regional
            order += [c for c, _ in nbest[1:]]
        out: list[TransliterationPart] = []
        seen: set[str] = set()
        for chinese in order:
            if chinese and chinese not in seen:
                seen.add(chinese)
                out.append(self._part(word, chinese, source_of.get(chinese, "phonetic")))
        if not out:
            out.append(self._part(word, "", "phonetic"))
        return out

    def _part(self, word: str, chinese: str, source: str) -> TransliterationPart:
        pinyin = " · ".join(
            marked_name(py.split(), 0) for py in map(_pinyin_plain, chinese.split("·")) if py
        )
        return TransliterationPart(word, chinese, pinyin, source)

    def infer_gender(self, given: str) -> str | None:
        """'female' / 'male' when the English given name clearly is one (CC-CEDICT marks
        "(female name)" / "(male name)", or its attested transliterations use the standard's
        female-name characters: Emily -> 埃米莉), else None."""
        words = re_split_words(given)
        if not words:
            return None
        key = words[0].lower()
        flagged = self.res.name_forms.get(key, {})
        votes = Counter(g for flags in flagged.values() for g in flags & {"f", "m"})
        forms = [c for c, _ in self.res.lookup.get(key, [])] + list(flagged)
        female_forms = sum(1 for c in forms if any(ch in FEMALE_CHARS for ch in c[1:]))
        if forms and female_forms * 2 > len(forms):
            votes["f"] += 1
        if votes["f"] > votes["m"]:
            return "female"
        if votes["m"] > votes["f"]:
            return "male"
        return None

    def heritage_surname(self, surname: str) -> list[SurnameMatch]:
        """The characters of a romanized Asian surname (Zhang, Chan, Kim, Nguyen, Tanaka),
        best first, keeping alternatives that are at least a tenth as likely as the best."""
        if not surname or len(re_split_words(surname)) != 1:
            return []
        hits = romanized_surname(surname, limit=5)
        if not hits:
            return []
        return [h for h in hits if h.score >= 0.1 * hits[0].score][:3]

    def transliterate(
        self, given: str, surname: str = "", gender: str | None = None, use_lookup: bool = True
    ) -> Transliteration:
        """The standard form, e.g. ('Michael', 'Jordan') -> 迈克尔·乔丹; a romanized Asian
        surname keeps its characters: ('Amy', 'Zhang') -> 艾米·张."""
        words = [w for w in (given, surname) if w]
        heritage = self.heritage_surname(surname)
        full = self._full_name_forms(words) if use_lookup and not heritage else []
        ranked: list[list[TransliterationPart]] = []
        for i, w in enumerate(words):
            if i == 1 and heritage:
                ranked.append(
                    [
                        TransliterationPart(
                            w,
                            h.chinese,
                            marked_name(h.pinyin.split(), 0),
                            f"romanized-surname:{h.system}",
                        )
                        for h in heritage
                    ]
                    # the English reading, from the sound model (a dictionary form of
                    # "Chan" may be a person's own name, 成龙)
                    + self._multiword([w], None, False)[:1]
                )
                continue
            # the gendered characters belong to given names
            sub = re_split_words(w)
            ranked.append(self._multiword(sub, gender if i == 0 else None, use_lookup))
        parts = [r[0] for r in ranked]
        built = "·".join(p.chinese for p in parts)
        alts: list[str] = []
        for r_i, r in enumerate(ranked):
            for alt in r[1:3]:
                alt_parts = [p.chinese for p in parts]
                alt_parts[r_i] = alt.chinese
                alts.append("·".join(alt_parts))
        flat = [x for w in words for x in re_split_words(w)]
        if full and len(full[0].split("·")) < len(flat):
            # the user typed a middle name the dictionary form leaves out: keep it
            alts = [*full, *alts]
            full = []
        if full:
            best, others = full[0], full[1:]
            pieces = best.split("·")
            if len(pieces) == len(words):
                full_parts = [
                    TransliterationPart(w, c, self._part(w, c, "").pinyin, "cc-cedict")
                    for w, c in zip(words, pieces, strict=True)
                ]
            else:  # a middle name inside a part
                full_parts = [
                    TransliterationPart(" ".join(words), best, self._pinyin(best), "cc-cedict")
                ]
            alts = [f for f in others if f != best] + [a for a in [built, *alts] if a != best]
            chosen = self._mainland_first(words, list(dict.fromkeys(alts)))[:4]
            return Transliteration(
                best,
                " · ".join(p.pinyin for p in full_parts),
                "dictionary",
                full_parts,
                [a.chinese for a in chosen],
                chosen,
            )
        sources = {("phonetic" if p.source == "phonetic" else "dictionary") for p in parts}
        source = sources.pop() if len(sources) == 1 else "mixed"
        chosen = self._mainland_first(words, list(dict.fromkeys(a for a in alts if a != built)))
        return Transliteration(
            built,
            " · ".join(p.pinyin for p in parts),
            source,
            parts,
            [a.chinese for a in chosen[:4]],
            chosen[:4],
        )

    def region(self, words: list[str], chinese: str) -> str:
        """Where a form of the name is used, by CC-CEDICT's marks: "tw", "hk", "variant"
        (of the whole name, else of any part), "" otherwise."""
        order = {"tw": "tw", "hk": "hk", "var": "variant"}
        flags = self.res.name_forms.get(" ".join(w.lower() for w in words), {}).get(chinese)
        if not flags:
            flat = [x for w in words for x in re_split_words(w)]
            pieces = chinese.split("·")
            flags = frozenset()
            if len(pieces) == len(flat):
                for w, c in zip(flat, pieces, strict=True):
                    flags |= self.res.name_forms.get(w.lower(), {}).get(c, frozenset())
        return next((label for key, label in order.items() if key in flags), "")

    def _mainland_first(self, words: list[str], forms: list[str]) -> list[AlternativeForm]:
        """The alternatives with pinyin and region; unmarked (mainland) forms first, each
        group in the order given."""
        out = [AlternativeForm(c, self._pinyin(c), self.region(words, c)) for c in forms if c]
        return sorted(out, key=lambda a: a.region != "")

    def _pinyin(self, chinese: str) -> str:
        return " · ".join(self._part("", c, "").pinyin for c in chinese.split("·"))

    def _full_name_forms(self, words: list[str]) -> list[str]:
        """Attested forms of a whole name (Steve Jobs -> 史蒂夫·乔布斯, 史提夫·贾伯斯), best
        first: mainland forms before Taiwan/Hong Kong ones, no truncated part (贝·布托 for
        Benazir Bhutto abbreviates the given name to one syllable), and forms whose parts are
        the preferred forms of each name before others.  [] when every attested form is a
        regional or truncated one: the name is then built from its parts, and they become
        alternatives."""
        if len(words) < 2:
            return []
        key = " ".join(w.lower() for w in words)
        flagged = self.res.name_forms.get(key, {})
        candidates = list(dict.fromkeys([*flagged, *(c for c, _ in self.res.lookup.get(key, []))]))
        if not candidates:
            return []
        split_words = [re_split_words(w) for w in words]
        flat = [x for ws in split_words for x in ws]
        top_part = {w.lower(): self.transliterate_part(w)[0].chinese for w in flat}

        def rank(chinese: str) -> tuple[int, int, int, int]:
            flags = flagged.get(chinese, frozenset())
            pieces = chinese.split("·")
            regional = int(bool(flags & {"tw", "hk", "var"}))
            truncated = 0
            consistent = 0
            if len(pieces) == len(flat):
                for w, c in zip(flat, pieces, strict=True):
                    syllables = len(re.findall(r"[aeiouy]+", w.lower()))
                    if len(c) == 1 and syllables >= 2:
                        truncated = 1
                    consistent += int(top_part[w.lower()] == c)
            return (regional + truncated, -consistent, 0, candidates.index(chinese))

        ranked = sorted(candidates, key=rank)
        if rank(ranked[0])[0] > 0:
            return []  # only regional/truncated forms: build it, offer them as alternatives
        return ranked

    def _multiword(
        self, words: list[str], gender: str | None, use_lookup: bool
    ) -> list[TransliterationPart]:
        if len(words) == 1:
            return self.transliterate_part(words[0], gender, use_lookup)
        # middle names are joined with the separator dot: 希拉里·罗德姆·克林顿
        firsts = [self.transliterate_part(w, gender, use_lookup)[0] for w in words]
        chinese = "·".join(p.chinese for p in firsts)
        src = "phonetic" if any(p.source == "phonetic" for p in firsts) else firsts[0].source
        return [self._part(" ".join(words), chinese, src)]

    # ------------------------------------------------------------------ suggestions
    def suggest(self, request: NameRequest) -> NameSuggestions:
        t0 = time.perf_counter()
        res = self.res
        gender = request.gender
        translit = self.transliterate(request.given, request.surname, gender)
        notes: list[str] = []
        # gender "any": a clearly female (or male) English name still gets no name characters
        # of the other gender (Emily is not offered 刚 or 强)
        pool_gender = gender if gender is not None else self.infer_gender(request.given)
        heritage = self.heritage_surname(request.surname)

        given_targets = self._targets(request.given, translit.parts[0])
        sur_targets = (
            self._targets(request.surname, translit.parts[1])
            if request.surname and len(translit.parts) > 1
            else None
        )
        tags, direct_chars, unknown = _qualities(request.qualities, res)
        if unknown:
            notes.append("Not understood as qualities (ignored): " + ", ".join(unknown))
        w_sound, w_meaning = _STYLE_WEIGHTS[request.style]

        if heritage:
            # a romanized Asian surname is kept (Amy Zhang -> 张...): the best reading, and a
            # close second when the spelling is ambiguous (Wong -> 黄, 王)
            surnames = [
                (Surname(h.chinese, h.pinyin, 0, "heritage"), 1.0 - 0.05 * i)
                for i, h in enumerate(heritage[:2])
                if i == 0 or h.score >= 0.3 * heritage[0].score
            ]
        else:
            surnames = self._rank_surnames(sur_targets, given_targets)
        pool = self._char_pool(pool_gender)
        first, second = self._rank_chars(
            pool, given_targets, tags, direct_chars, w_sound, w_meaning
        )

        def ranking(
            n_pool: int,
        ) -> tuple[
            list[tuple[tuple[NameChar, ...], float, float, float]], list[tuple[float, int, int]]
        ]:
            # given names are scored once, then combined with each surname
            given_opts: list[tuple[tuple[NameChar, ...], float, float, float]] = []
            for c1, sm1, mm1 in first[:n_pool]:
                # one-character given names (a small penalty: two characters are the norm)
                given_opts.append(((c1,), _single_sound(sm1) * 0.85, mm1, -0.06))
                for c2, _sm2, mm2 in second[:n_pool]:
                    if c2.char == c1.char or c1.char + c2.char in self.res.phrase_words:
                        continue  # 善良 after 倪 reads "you are kind": not a name
                    if pool_gender is None and {c1.gender, c2.gender} == {"f", "m"}:
                        continue
                    sound = _pair_sound(sm1, _sm2)
                    given_opts.append(((c1, c2), sound, (mm1 + mm2) / 2, 0.0))
            # rank (score, surname index, given index) first; build objects only for those examined
            ranked: list[tuple[float, int, int]] = []
            for si, (_sn, s_sound) in enumerate(surnames):
                for gi, (given_chars, sound, meaning, penalty) in enumerate(given_opts):
                    tone_bonus = 0.04 if tone_of(given_chars[-1].pinyin) in (1, 2) else 0.0
                    score = (
                        w_sound * (0.3 * s_sound + 0.7 * sound)
                        + w_meaning * meaning
                        + tone_bonus
                        + penalty
                        - _style_penalty(_sn.pinyin, given_chars)
                    )
                    ranked.append((score, si, gi))
            ranked.sort(reverse=True)
            return given_opts, ranked

        memo: dict[
            int,
            tuple[
                list[tuple[tuple[NameChar, ...], float, float, float]], list[tuple[float, int, int]]
            ],
        ] = {}

        def candidates_for(n_pool: int) -> Iterator[_Candidate]:
            if n_pool not in memo:
                memo[n_pool] = ranking(n_pool)
            given_opts, ranked = memo[n_pool]

            def cands() -> Iterator[_Candidate]:
                for _, si, gi in ranked:
                    sn, s_sound = surnames[si]
                    given_chars, sound, meaning, penalty = given_opts[gi]
                    yield self._cand(
                        sn, given_chars, s_sound, sound, meaning, w_sound, w_meaning, -penalty
                    )

            return cands()

        accepted: list[Suggestion] = []
        rejected: list[Rejection] = []
        used_given: set[str] = set()
        char_uses: Counter[str] = Counter()
        sur_uses: Counter[str] = Counter()
        failed: set[tuple[str, str]] = set()
        single_count = 0
        # The first pass keeps the list varied; if that leaves too few names, relax the
        # variety limits, then widen the character pool (rare: e.g. every candidate second
        # character shares the surname's initial).
        for n_pool, max_per_surname, max_char_uses, max_single in (
            (
                CHAR_POOL,
                request.count if heritage else max(2, math.ceil(request.count / 3)),
                2,
                2,
            ),
            (CHAR_POOL, request.count, 4, 3),
            (CHAR_POOL * 3, request.count, 4, 3),
        ):
            if len(accepted) >= request.count:
                break
            for cand in candidates_for(n_pool):
                if len(accepted) >= request.count:
                    break
                given = "".join(c.char for c in cand.given)
                key = (cand.surname.char, given)
                if given in used_given or key in failed:
                    continue
                if sur_uses[cand.surname.char] >= max_per_surname:
                    continue
                if any(char_uses[c.char] >= max_char_uses for c in cand.given):
                    continue
                if len(cand.given) == 1 and single_count >= max_single:
                    continue
                syl = [*cand.surname.pinyin.split(), *(c.pinyin for c in cand.given)]
                failures = check_name(
                    cand.surname.char, given, pinyin=syl, gender=pool_gender, res=res
                )
                if failures:
                    failed.add(key)
                    if len(rejected) < 24:
                        rejected.append(
                            Rejection(cand.surname.char + given, marked_name(syl), failures)
                        )
                    continue
                used_given.add(given)
                sur_uses[cand.surname.char] += 1
                single_count += len(cand.given) == 1
                for c in cand.given:
                    char_uses[c.char] += 1
                accepted.append(self._suggestion(cand, request, syl, tags, translit.parts[0]))
        # show the most instructive near-misses: unfortunate sounds first, then by rank
        rejected.sort(key=lambda r: _REJECTION_ORDER.get(r.failures[0].check, 9))
        reason_uses: Counter[str] = Counter()
        shown: list[Rejection] = []
        for rej in rejected:  # at most two near-misses for the same reason
            why = rej.failures[0].reason_en.split(" ", 1)[-1]
            if reason_uses[why] < 2 and len(shown) < 6:
                reason_uses[why] += 1
                shown.append(rej)
        rejected = shown
        elapsed = (time.perf_counter() - t0) * 1000
        req = {
            "given": request.given, "surname": request.surname, "gender": gender,
            "qualities": list(request.qualities), "style": request.style,
        }  # fmt: skip
        if notes:
            req["notes"] = notes
        return NameSuggestions(req, translit, accepted, rejected, round(elapsed, 2))

    # ------------------------------------------------------------------ scoring parts
    def _targets(self, word: str, part: TransliterationPart) -> list[Targets]:
        out: list[Targets] = []
        words = re_split_words(word)
        cmu = self.sounds.targets(words[0]) if words else None
        if cmu:
            out.append(cmu)
        if part.chinese:
            out.append(targets_from_pinyin(_pinyin_plain(part.chinese).split()))
        return out

    def _rank_surnames(
        self, sur_targets: list[Targets] | None, given_targets: list[Targets]
    ) -> list[tuple[Surname, float]]:
        pool = _surname_pool(self.res)
        top_freq = math.log(pool[0].freq + 1)
        scored = []
        for sn in pool:
            prior = math.log(sn.freq + 1) / top_freq
            if sur_targets:
                snd = max(
                    best_match(toneless(sn.pinyin), t[0]) * (1.0 if i == 0 else 0.9)
                    for i, t in enumerate(sur_targets)
                )
            else:
                snd = 0.0
            scored.append((sn, 0.7 * snd + 0.3 * prior, snd))
        scored.sort(key=lambda x: -x[1])
        return [(sn, total) for sn, total, _ in scored[:4]]

    def _char_pool(self, gender: str | None) -> list[NameChar]:
        allowed = {"female": ("f", "n"), "male": ("m", "n"), "neutral": ("n",)}.get(
            gender or "", ("f", "m", "n")
        )
        common = self.res.common_chars
        return [
            c for c in self.res.name_chars.values()
            if c.gender in allowed and c.char in common
            and gender_lean(c.char, self.res) in allowed
        ]  # fmt: skip

    def _rank_chars(
        self,
        pool: list[NameChar],
        targets: list[Targets],
        tags: set[str],
        direct: set[str],
        w_sound: float,
        w_meaning: float,
    ) -> tuple[list[tuple[NameChar, Match, float]], ...]:
        scored = []
        for c in pool:
            py = toneless(c.pinyin)
            # match[t][i]: how well this character sounds like syllable i of target sequence t
            match = tuple(tuple(best_match(py, syl) for syl in t) for t in targets)
            meaning = _meaning_score(c, tags, direct, self.res)
            scored.append((c, match, meaning))

        def at(match: Match, i: int) -> float:
            return max((m[i] for m in match if i < len(m)), default=0.0)

        first = sorted(scored, key=lambda x: -(w_sound * at(x[1], 0) + w_meaning * x[2]))
        second = sorted(
            scored,
            key=lambda x: (
                -(
                    w_sound * max(at(x[1], 1), at(x[1], 2))
                    + w_meaning * x[2]
                    + (0.05 if tone_of(x[0].pinyin) in (1, 2) else 0.0)
                )
            ),
        )
        return first, second

    def _cand(
        self,
        sn: Surname,
        given: tuple[NameChar, ...],
        s_sound: float,
        sound: float,
        meaning: float,
        w_sound: float,
        w_meaning: float,
        penalty: float = 0.0,
    ) -> _Candidate:
        tone_bonus = 0.04 if tone_of(given[-1].pinyin) in (1, 2) else 0.0
        total_sound = 0.3 * s_sound + 0.7 * sound
        score = w_sound * total_sound + w_meaning * meaning + tone_bonus - penalty
        return _Candidate(sn, given, score, total_sound, meaning)

    def _suggestion(
        self,
        cand: _Candidate,
        request: NameRequest,
        syl: list[str],
        tags: set[str],
        standard: TransliterationPart | None = None,
    ) -> Suggestion:
        sn = cand.surname
        sur_py = " ".join(mark(s) for s in sn.pinyin.split())
        chars = [CharInfo(sn.char, sur_py, f"family name {sur_py.capitalize()}", f"姓氏{sn.char}")]
        chars += [CharInfo(c.char, mark(c.pinyin), c.meaning_en, c.meaning_zh) for c in cand.given]
        given = "".join(c.char for c in cand.given)
        en, zh = _reasons(cand, request, syl, tags, standard)
        return Suggestion(
            chinese=sn.char + given,
            pinyin=marked_name(syl, len(sn.pinyin.split())),
            surname=sn.char,
            given=given,
            characters=chars,
            reason_en=en,
            reason_zh=zh,
            score=round(cand.score, 4),
            sound_score=round(cand.sound, 4),
            meaning_score=round(cand.meaning, 4),
        )


# ---------------------------------------------------------------------------- helpers


def good_sorted(items: list[tuple[float, str]]) -> list[tuple[str, float]]:
    """(score, chinese) -> [(chinese, score)] best first, the shape gender_rerank takes."""
    return [(c, sc) for sc, c in sorted(items, key=lambda x: -x[0])]


def re_split_words(text: str) -> list[str]:
    import re

    return [w for w in re.split(r"[\s\-.]+", text) if w]


@lru_cache(maxsize=20000)
def _pinyin_plain(chinese: str) -> str:
    return text_readings(chinese, names=True)


def _surname_pool(res: Resources) -> list[Surname]:
    cached: list[Surname] | None = res.__dict__.get("_surname_pool")
    if cached is None:
        common = res.common_chars
        cached = sorted(
            # single-character surnames whose surname reading CC-CEDICT attests
            (
                s
                for s in res.surnames.values()
                if len(s.char) == 1 and s.char in common and s.reading_source == "cc-cedict"
            ),
            key=lambda s: -s.freq,
        )[:SURNAME_POOL]
        res.__dict__["_surname_pool"] = cached
    return cached


def _qualities(words: Sequence[str], res: Resources) -> tuple[set[str], set[str], list[str]]:
    tags: set[str] = set()
    direct: set[str] = set()
    unknown: list[str] = []
    for w in words:
        tag = QUALITY_SYNONYMS.get(w) or QUALITY_SYNONYMS.get(w.rstrip("s"))
        if tag:
            tags.add(tag)
            continue
        chars = {c for c in w if c in res.name_chars}
        if chars:
            direct |= chars
            for c in chars:
                tags.update(res.name_chars[c].qualities[:1])
            continue
        unknown.append(w)
    return tags, direct, unknown


def _meaning_score(c: NameChar, tags: set[str], direct: set[str], res: Resources) -> float:
    m, f = res.name_char_freq.get(c.char, (0, 0))
    popularity = min(1.0, math.log10(m + f + 1) / 6)  # 1e6 uses -> 1.0
    score = 0.35 + 0.25 * popularity
    if c.char in direct:
        score += 0.5
    if tags:
        hits = len(tags & set(c.qualities))
        score += 0.4 * min(hits, 2)
    return min(score, 1.2)


def _style_penalty(surname_pinyin: str, given: tuple[NameChar, ...]) -> float:
    """Style preferences as a ranking signal (issue 13): a repeated initial or final, or
    awkward tones, cost a little rank; they never reject a name (王芳 and 罗琳 are fine)."""
    syl = [*surname_pinyin.split(), *(c.pinyin for c in given)]
    notes = style_notes("", "".join(c.char for c in given), pinyin=syl)
    return 0.03 * len(notes)


def _single_sound(m1: Match) -> float:
    return max((m[0] for m in m1 if m), default=0.0)


def _pair_sound(m1: Match, m2: Match) -> float:
    """Sound of a two-character given name against the English syllables, in order."""
    best = 0.0
    for a, b in zip(m1, m2, strict=True):
        n = len(a)
        for i in range(n):
            s1 = a[i] * (1.0 if i == 0 else 0.85)
            for j in range(i + 1, n):
                s = (s1 + b[j]) / 2
                if s > best:
                    best = s
        if n == 1 and a[0] * 0.7 > best:
            best = a[0] * 0.7
    return best


def _reasons(
    cand: _Candidate,
    request: NameRequest,
    syl: list[str],
    tags: set[str],
    standard: TransliterationPart | None = None,
) -> tuple[str, str]:
    sn = cand.surname
    sur_py = " ".join(mark(s) for s in sn.pinyin.split()).capitalize()
    given = "".join(c.char for c in cand.given)
    given_py = "".join(mark(c.pinyin) for c in cand.given).capitalize()
    en: list[str] = []
    zh: list[str] = []
    if request.surname:
        en.append(
            f"{sn.char} ({sur_py}) is a common Chinese surname that echoes "
            f"the sound of {request.surname}."
        )
        zh.append(f"“{sn.char}”是常见姓氏，读音接近{request.surname}。")
    else:
        en.append(f"{sn.char} ({sur_py}) is a common Chinese surname.")
        zh.append(f"“{sn.char}”是常见姓氏。")
    means = "; ".join(f"{c.char} ({mark(c.pinyin)}) means '{c.meaning_en}'" for c in cand.given)
    means_zh = "，".join(f"“{c.char}”意为{c.meaning_zh}" for c in cand.given)
    en.append(means[:1].upper() + means[1:] + ".")
    zh.append(means_zh + "。")
    if cand.sound >= 0.45:
        if standard is not None and standard.chinese:
            en.append(
                f"{given} ({given_py}) echoes the sound of {request.given} "
                f"(standard transliteration {standard.chinese}, {standard.pinyin})."
            )
            zh.append(f"“{given}”音近{request.given}（标准译名{standard.chinese}）。")
        else:
            en.append(f"{given} ({given_py}) sounds like {request.given}.")
            zh.append(f"“{given}”音近{request.given}。")
    matched = sorted(tags & {q for c in cand.given for q in c.qualities})
    if matched:
        en.append(f"It suggests someone {' and '.join(matched)}, as you asked.")
        zh.append(f"寓意{'、'.join(QUALITY_ZH.get(q, q) for q in matched)}，符合你的期望。")
    tones = "-".join(str(tone_of(s)) for s in syl)
    if tone_of(syl[-1]) in (1, 2):
        en.append(f"The tones ({tones}) flow well and end on a level tone.")
        zh.append(f"声调{tones}，抑扬顿挫，收尾平声响亮。")
    else:
        en.append(f"The tones ({tones}) vary pleasantly.")
        zh.append(f"声调{tones}，错落有致。")
    if request.gender in _GENDER_ZH:
        zh.append(f"适合{_GENDER_ZH[request.gender]}性。")
    return " ".join(en), "".join(zh)

"""Metrics, item scorers and the evaluation protocol on tiny hand-made data."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from qiao.engines.recommend.content import ContentModel, note_tokens, tokenize
from qiao.engines.recommend.evaldata import global_time_split, leave_last_out, load_dataset
from qiao.engines.recommend.metrics import multi_target_metrics, single_target_metrics, topk
from qiao.engines.recommend.models import EASE, ItemKNN, MostPopular, PureSVD, Transitions


def test_single_target_metrics_exact_and_ties() -> None:
    s = np.array([[5.0, 4.0, 3.0, 2.0]])
    m = single_target_metrics(s, np.array([1]), (1, 2))
    assert m["recall@1"][0] == 0.0 and m["recall@2"][0] == 1.0
    assert m["ndcg@2"][0] == pytest.approx(1 / np.log2(3))
    # all tied: expected value over a random tie-break
    t = np.zeros((1, 4))
    m = single_target_metrics(t, np.array([2]), (2,))
    assert m["recall@2"][0] == pytest.approx(0.5)
    assert m["ndcg@2"][0] == pytest.approx((1 + 1 / np.log2(3)) / 4)
    # excluded items (-inf) never beat the target
    e = np.array([[-np.inf, 1.0, -np.inf]])
    assert single_target_metrics(e, np.array([1]), (1,))["ndcg@1"][0] == 1.0


def test_multi_target_and_topk() -> None:
    s = np.array([[0.1, 0.9, 0.5, 0.7]])
    top = topk(s, 3)
    assert top.tolist() == [[1, 3, 2]]
    m = multi_target_metrics(top, [np.array([3, 0])], (2,))
    assert m["recall@2"][0] == pytest.approx(0.5)


SEQS = [np.array(x) for x in ([0, 1, 2, 3], [0, 1, 2], [1, 2, 3], [4, 5], [4, 5, 0])]


@pytest.mark.parametrize("model", [MostPopular(), ItemKNN(5), EASE(1.0), Transitions(), PureSVD(3)])
def test_scorers_shape_and_signal(model: MostPopular) -> None:
    model.fit(SEQS, 6)
    sc = model.score(np.array([0, 3]), [np.array([0, 1]), np.array([4])])
    assert sc.shape == (2, 6)
    assert np.isfinite(sc).all()
    if not isinstance(model, MostPopular | PureSVD):
        assert sc[0, 2] > sc[0, 5]  # after 0,1 comes 2, not 5
        assert sc[1, 5] > sc[1, 3]  # after 4 comes 5


def test_ease_on_the_most_popular_items_only() -> None:
    """How the benchmark includes EASE on large catalogues: the rest of the items score 0."""
    full = EASE(1.0)
    full.fit(SEQS, 6)
    capped = EASE(1.0, max_items=4)
    capped.fit(SEQS, 6)
    assert capped.items is not None and len(capped.items) == 4
    left_out = sorted(set(range(6)) - set(capped.items.tolist()))
    sc = capped.score(np.array([0]), [np.array([0, 1])])
    assert sc.shape == (1, 6) and (sc[0, left_out] == 0).all()
    assert 3 in left_out or 5 in left_out  # the least popular items go


def test_transitions_follow_order() -> None:
    tr = Transitions(window=1, step_decay=1.0, half_life=1.0)
    tr.fit([np.array([0, 1, 2])] * 3, 3)
    sc = tr.score(np.zeros(0), [np.array([1])])
    assert sc[0, 2] > 0 and sc[0, 0] == 0


def test_content_tokens_and_similarity() -> None:
    assert "kitten" in tokenize("A Kitten!")
    assert tokenize("猫咪好可爱")  # Chinese yields tokens (jieba or bigrams)
    cm = ContentModel(dims=1 << 12, embed_dims=16)
    docs = [
        note_tokens(["cat"], "kitten meow"),
        note_tokens(["cat"], "kitten purr"),
        note_tokens(["food"], "noodles"),
    ]
    m = cm.fit(docs)
    sim = (m @ m.T).toarray()
    assert sim[0, 1] > sim[0, 2]
    e = cm.project(m)
    assert e.shape == (3, 16)
    assert float(e[0] @ e[1]) > float(e[0] @ e[2])


def test_splits_and_loader(tmp_path: Path) -> None:
    d = tmp_path / "amazon-musical-instruments"
    d.mkdir()
    rows = []
    for u in range(3):
        for k in range(4):
            rows.append(
                {
                    "reviewerID": f"u{u}",
                    "asin": f"i{(u + k) % 5}",
                    "overall": 5.0,
                    "summary": "good strings",
                    "unixReviewTime": 1000 + 10 * k + u,
                }
            )
    (d / "reviews_5core.json").write_text("\n".join(json.dumps(r) for r in rows))
    ds = load_dataset(d)
    assert ds.n_users == 3 and ds.n_items == 5
    val, test = leave_last_out(ds, 2), leave_last_out(ds, 1)
    for u in range(3):
        assert test.targets[u][0] == ds.seqs[u][-1]
        assert val.targets[u][0] == ds.seqs[u][-2]
        assert len(val.train[u]) == 2
    g = global_time_split(ds, 0.5)
    assert g is not None and len(g.users) > 0


def test_trains_from_positives_alone_without_impressions() -> None:
    """Public data sets (and a young site) have no logged impressions: the ranker trains on
    held-out positives only."""
    from qiao.engines.recommend import Interaction, NoteInfo, Recommender, RecommenderConfig

    rng = np.random.default_rng(3)
    notes = [NoteInfo(j, j % 7, topics=[f"t{j % 4}"]) for j in range(60)]
    events = [
        Interaction(u, int(j), "like", float(k))
        for u in range(40)
        for k, j in enumerate(rng.choice(60, 8, replace=False))
    ]
    rec = Recommender.train(events, notes, RecommenderConfig(ranker_rounds=20))
    assert rec.report.n_positive == 320
    assert rec.report.ranker_groups > 0


def test_visual_tokens_from_the_media_pipeline() -> None:
    from qiao.engines.recommend.content import visual_tokens

    assert visual_tokens([("#d24a1e", "ab12cd34ef567890")]) == ["red-light", "ph:ab12"]
    assert visual_tokens([("#1a237e", "")]) == ["blue-dark"]
    assert visual_tokens([("#f06fa8", "")]) == ["rose-light"]
    assert visual_tokens([("#dddddd", "x")]) == ["grey-light"]
    assert visual_tokens([("#303030", "00ff")]) == ["grey-dark", "ph:00ff"]
    assert visual_tokens([("not a colour", "")]) == []
    # only the first photo's hash; colours of up to three photos
    many = [("#d24a1e", "aaaa0000"), ("#228b22", "bbbb0000"), ("#ffd700", ""), ("#000080", "")]
    assert visual_tokens(many) == ["red-light", "ph:aaaa", "green-dark", "yellow-light"]


def test_notes_with_the_same_photo_are_content_neighbours() -> None:
    """Two notes with no word in common, one photo reposted: the content model links them
    (this is how a brand-new repost finds the audience of the original)."""
    docs = [
        note_tokens([], "sunset harbour walk", [("#e07b39", "9f3a11c2")]),
        note_tokens([], "晚霞 港口 散步", [("#e07b39", "9f3a11c2")]),
        note_tokens([], "晚霞 港口 散步", [("#203a8f", "0000ffff")]),
    ]
    m = ContentModel(dims=1 << 12, embed_dims=16).fit(docs)
    sims = (m @ m.T).toarray()
    assert sims[0, 1] > 0.1
    assert sims[0, 2] == pytest.approx(0.0, abs=1e-6)


def test_chinese_words_count_as_their_english_glosses() -> None:
    """Cross-language content: CC-CEDICT glosses put 猫 notes next to "cat" notes."""
    from qiao.engines.recommend.content import CedictGlosser

    gloss = CedictGlosser()
    assert gloss("猫")[:2] == ("cat", "cats")
    assert "dog" in gloss("狗") and "puppies" in gloss("小狗")
    assert gloss("了") == ()  # particles have no English
    toks = dict(note_tokens(["猫"], "我的猫在沙发上睡觉", (), gloss))
    assert toks["t:猫"] == 3.0 and toks["t:cat"] == 1.5 and "w:sofa" in toks
    assert "t:cat" not in dict(note_tokens(["猫"], "我的猫在沙发上睡觉"))  # off by default

    docs = (
        [["cat"], "my cat asleep on the sofa"],
        [["猫"], "我的猫在沙发上睡觉"],
        [["火锅"], "今天吃火锅很好吃"],
    )
    for glosses, linked in ((None, False), (gloss, True)):
        m = ContentModel(dims=1 << 14, embed_dims=16).fit(
            [note_tokens(t, x, (), glosses) for t, x in docs]
        )
        sims = (m @ m.T).toarray()
        if linked:
            assert sims[0, 1] > 0.1 and sims[0, 1] > 5 * sims[0, 2]
        else:
            assert sims[0, 1] == pytest.approx(0.0, abs=1e-6)


def test_an_english_cat_lover_is_offered_new_chinese_cat_notes_first() -> None:
    """No one has engaged with the Chinese notes yet: only content can place them, and only
    cross-language content knows that 猫 is a cat."""
    from qiao.engines.recommend import (
        Interaction,
        NoteInfo,
        Recommender,
        RecommenderConfig,
        UserContext,
    )

    cat = [
        "my cat asleep on the sofa",
        "the cat chased a toy mouse",
        "kitten and cat nap",
        "cat food review for my old cat",
    ]
    food = [
        "spicy noodles for lunch",
        "hotpot night with friends",
        "delicious dumplings",
        "street food market tour",
    ]
    notes = [
        NoteInfo(
            j,
            100 + j % 11,
            topics=["cat" if j % 2 == 0 else "food"],
            language="en",
            created_ts=1000.0 + j,
            text=(cat if j % 2 == 0 else food)[(j // 2) % 4],
        )
        for j in range(80)
    ]
    rng = np.random.default_rng(5)
    events = [
        Interaction(u, int(j), "like", 2000.0 + k)
        for u in range(30)
        for k, j in enumerate(rng.choice(np.arange(u % 2, 80, 2), 10, replace=False))
    ]
    rec = Recommender.train(
        events, notes, RecommenderConfig(ranker_rounds=20, cross_language_content=True)
    )
    now = 10_000.0
    zh_cat = ["我的猫在沙发上睡觉", "小猫在玩玩具", "猫咪午睡", "给老猫买猫粮"]
    zh_food = ["今天吃火锅很好吃", "午饭吃辣面条", "好吃的饺子", "逛美食街"]
    new = [
        NoteInfo(500 + k, 900 + k, topics=["猫"], language="zh", created_ts=now - 60, text=t)
        for k, t in enumerate(zh_cat)
    ]
    new += [
        NoteInfo(600 + k, 950 + k, topics=["美食"], language="zh", created_ts=now - 60, text=t)
        for k, t in enumerate(zh_food)
    ]
    rec.add_notes(new)
    for user in (0, 2, 4):  # cat lovers (even users like even, cat, notes)
        ranked = [s.note_id for s in rec.rank(UserContext(user, languages=["en", "zh"], now=now))]
        chinese = [i for i in ranked if i >= 500][:4]
        assert sum(i < 600 for i in chinese) >= 3, chinese

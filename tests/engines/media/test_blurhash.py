"""The NumPy BlurHash encoder gives the reference C encoder's strings.

EXPECTED was produced by blurhash-python 1.2.2 (Wolt's C encoder, the previous dependency)
on the pictures of ``images.blurhash_cases`` — one per category: flat colours, gradients,
stripes, checkers, smooth and high-frequency patterns, a 2-pixel image, a 64×3 strip and
hard-edged shapes — at the 4×3/3×4 grids Qiao uses and the 1×1 and 9×9 extremes. During
development the two encoders also agreed on 1,500 random cases (300 pictures of 1–64 px of
five kinds × five grids).
"""

from __future__ import annotations

import warnings

import pytest
from PIL import Image

from qiao.engines.media import inspect_image
from qiao.engines.media.blurhash import components_for, encode_array, encode_image

from .images import asymmetric, blurhash_cases, encode

EXPECTED: dict[str, dict[tuple[int, int], str]] = {
    "flat_red": {
        (4, 3): "L5M^#7=0fQ=0|xjtfQjtfQfQfQfQ",
        (3, 4): "T5M^#7=0fQ|xjtfQfQfQfQ|xjtfQ",
        (1, 1): "00M^#7",
        (9, 9): (
            "|5M^#7=0fQ=0fQ=0fQ=0fQ|xjtfQjtfQjtfQjtfQfQfQfQfQfQfQfQfQfQ|xjtfQjtfQjtfQjtfQfQfQ"
            "fQfQfQfQfQfQfQ|xjtfQjtfQjtfQjtfQfQfQfQfQfQfQfQfQfQ|xjtfQjtfQjtfQjtfQfQfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "flat_black": {
        (4, 3): "L00000fQfQfQfQfQfQfQfQfQfQfQ",
        (3, 4): "T00000fQfQfQfQfQfQfQfQfQfQfQ",
        (1, 1): "000000",
        (9, 9): (
            "|00000fQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQ"
            "fQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "flat_white": {
        (4, 3): "LJTSUA?bfQ?b~qoffQoffQfQfQfQ",
        (3, 4): "TJTSUA?bfQ~qoffQfQfQfQ~qoffQ",
        (1, 1): "00TSUA",
        (9, 9): (
            "|JTSUA?bfQ?bfQ?bfQ?bfQ~qoffQoffQoffQoffQfQfQfQfQfQfQfQfQfQ~qoffQoffQoffQoffQfQfQ"
            "fQfQfQfQfQfQfQ~qoffQoffQoffQoffQfQfQfQfQfQfQfQfQfQ~qoffQoffQoffQoffQfQfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "h_gradient": {
        (4, 3): "L,HIzr1UxJS7oMa#jufRfQfQfQfQ",
        (3, 4): "T,HIzr1UxJoMa#jufQfQfQoMa#ju",
        (1, 1): "00HIzr",
        (9, 9): (
            "|,HIzr1UxJS7oNb0a~j]a$oMa#jufRfQfQfQfQfQfQfQfQfQfQfQfQfQfQoMa#jufRfQfQfQfQfQfQfQ"
            "fQfQfQfQfQfQfQoMa#jufRfQfQfQfQfQfQfQfQfQfQfQfQfQfQoMa#jufRfQfQfQfQfQfQfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "v_gradient": {
        (4, 3): "LWC[cZoxfQox0mazfQaz$OjtfQjt",
        (3, 4): "TWC[cZoxfQ0mazfQ$OjtfQS4fQfQ",
        (1, 1): "00C[cZ",
        (9, 9): (
            "|WC[cZoxfQoxfQoxfQoxfQ0mazfQazfQazfQazfQ$OjtfQjtfQjtfQjtfQS4fQfQfQfQfQfQfQfQn*fQ"
            "fQfQfQfQfQfQfQbafQfQfQfQfQfQfQfQazfQfQfQfQfQfQfQfQkBfQfQfQfQfQfQfQfQazfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "stripes": {
        (4, 3): "LALqe900fQ00%MayfQayfQfQfQfQ",
        (3, 4): "T9Lqe900fQ%MayfQfQfQfQ%MayfQ",
        (1, 1): "00Lqe9",
        (9, 9): (
            "|FLqe99FfQ9FfQ4nfQ00fQxuayfQayfQayfQayfQfQfQfQfQfQfQfQfQfQxuayfQayfQayfQayfQfQfQ"
            "fQfQfQfQfQfQfQxuayfQayfQayfQayfQfQfQfQfQfQfQfQfQfQxuayfQayfQayfQayfQfQfQfQfQfQfQ"
            "fQfQfQ"
        ),
    },
    "checker": {
        (4, 3): "L2KSUk}*fQ}*}=5-fQ5-fQfQfQfQ",
        (3, 4): "T2KSUk}*fQ}=5-fQfQfQfQ}=5-fQ",
        (1, 1): "00KSUk",
        (9, 9): (
            "|SKSUks,fQs,fQs,fQs+fQs.S3fQS3fQS3fQJ9S3fQfQfQfQfQfQfQfQfQs.S3fQS3fQS3fQJ9S3fQfQ"
            "fQfQfQfQfQfQfQs.S3fQS3fQNvfQE$NvfQfQfQfQfQfQfQfQfQs.J9fQJ9fQE$fQ1LJ9fQS3fQS3fQNv"
            "fQJ9S3"
        ),
    },
    "smooth": {
        (4, 3): "LkHLk.|@$8BUoujyjxa^fAfUfMfO",
        (3, 4): "T%HLk.]kwzocjxjwf9fTfMq8j=jr",
        (1, 1): "00HLk.",
        (9, 9): (
            "|%HLk.]kwzFwN]OXjtX8a|ocjxjwa_a}a{fRfPfRf9fTfMfOfPfPfPfPfQq8j=jrbHa_bHfPfjfPg0fR"
            "fPfOfRfRfQfQfQo3jsjsa}a}a|fQfQfQgcfkfPfifQfjfQfjfQofjsjsa|a|a|fQfQfQf%fRfQfPfQfQ"
            "fQfQfQ"
        ),
    },
    "pattern": {
        (4, 3): "L7HLGGy|4ei2uui1iwNFD9nB2mKh",
        (3, 4): "T7HLGGy|4euui1iwD9nB2mvDrwkk",
        (1, 1): "00HLGG",
        (9, 9): (
            "|KHLGGrGIHiyrJnPi%nOeZrJiyi_WBW,Svk7kQboMhj0J%S}t1XRbpX8j;renlkSS|XOSef6erV[E7sm"
            "2=KJ$hR+nQV]jZRpFuF[|uwMi|r@odowv*Sz=a#,RljIS_g1X5nUXQX5erV]SzovkBaMrbXQw{rrazXP"
            "SxV_V]"
        ),
    },
    "tiny": {
        (4, 3): "L~LjfL|c|T|c|l|c|T|c|l|c|T|c",
        (3, 4): "T~LjfL|c|T|l|c|T|l|c|T|l|c|T",
        (1, 1): "00LjfL",
        (9, 9): (
            "|~LjfL|c|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c"
            "|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c|T|c|l|c|T|c|l|l|c|T|c|l|c"
            "|T|c|l"
        ),
    },
    "wide": {
        (4, 3): "L,HJ^S2gw%Sj+lJXsXWYeEf7fQf7",
        (3, 4): "T,HJ^S2gw%+lJXsXeEf7fQ-;J;sX",
        (1, 1): "00HJ^S",
        (9, 9): (
            "|~HJ^S6:w%W?jwbIa~j]a~+lJqo4a~jvfRfRjua}eEf7fQf7fQf7fQf7fQ-qJ;o4bIjvfkfRj[a}eEf7"
            "fQf7fQf7fQf7fQ+lJqo4a~jvfRfRjua}~E6:w%W?jwbIa~j]a~+lJqo4a~jvfRfRjua}eEf7fQf7fQf7"
            "fQf7fQ"
        ),
    },
    "shapes": {
        (4, 3): "LeNvY~Ty^x]|%zMxodtQ~TwHE6I]",
        (3, 4): "TeNvY~Ty^x%zMxod~TwHE6rrtRWD",
        (1, 1): "00NvY~",
        (9, 9): (
            "|eNvY~Ty^x]|tkWYs-eoT0%zMxodtQV@j[j@kCV@~TwHE6I]V[WXR,ofslrrtRWDV@oyWDazjYkCs,j["
            "NJR+oet4s-j@a#s.oyWWRkkBodj@ayoeXTRQs-oyWBodj@WXRks:kCazafj[odj@WVa#WXWCods.ayR,"
            "azoKay"
        ),
    },
}


@pytest.mark.parametrize(("name", "array"), blurhash_cases(), ids=[n for n, _ in blurhash_cases()])
def test_same_strings_as_the_reference_encoder(name: str, array: object) -> None:
    for (x, y), expected in EXPECTED[name].items():
        assert encode_image(Image.fromarray(array), x, y) == expected  # type: ignore[arg-type] # numpy array accepted


def test_component_grid_follows_the_orientation() -> None:
    assert components_for(400, 300) == (4, 3)
    assert components_for(300, 400) == (3, 4)


@pytest.mark.parametrize(("x", "y"), [(0, 3), (10, 3), (4, 0)])
def test_refuses_impossible_grids(x: int, y: int) -> None:
    import numpy as np

    with pytest.raises(ValueError):
        encode_array(np.zeros((4, 4, 3), np.uint8), x, y)


def test_inspecting_an_image_emits_no_deprecation_warning() -> None:
    data = encode(asymmetric(300, 200), "PNG")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # Pillow's getdata deprecation would raise here
        checked = inspect_image(data)
    # 4×3 components: size flag "L", then 1 + 4 + 11 × 2 characters.
    assert checked.blurhash[0] == "L" and len(checked.blurhash) == 28

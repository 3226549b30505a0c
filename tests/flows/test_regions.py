"""The prefecture list and the parser of what people type when asked where they live."""

from __future__ import annotations

import random

import pytest

from flows.regions import Prefectures, RegionDataError

PREFECTURES = Prefectures.load()


@pytest.mark.parametrize(
    ("text", "code", "municipality"),
    [
        # The same prefecture, however it is written.
        ("東京", "13", ""),
        ("東京都", "13", ""),
        ("とうきょう", "13", ""),
        ("とうきょうと", "13", ""),
        ("トウキョウ", "13", ""),
        ("ﾄｳｷｮｳ", "13", ""),
        ("ｔｏｋｙｏ", "13", ""),
        ("Tokyo", "13", ""),
        ("TOKYO", "13", ""),
        ("tokyo-to", "13", ""),
        ("Tōkyō", "13", ""),
        ("toukyou", "13", ""),
        ("13", "13", ""),
        ("１３", "13", ""),
        (" 13 ", "13", ""),
        ("1", "01", ""),
        ("47", "47", ""),
        # 京都 is not 東京都, and 東京都 is not 京都.
        ("京都", "26", ""),
        ("京都府", "26", ""),
        ("京都市", "26", "京都市"),
        ("きょうと", "26", ""),
        ("Kyoto", "26", ""),
        ("kyoto-fu", "26", ""),
        ("東京都です", "13", ""),
        # Prefecture and municipality.
        ("東京都世田谷区", "13", "世田谷区"),
        ("東京 世田谷区", "13", "世田谷区"),
        ("北海道札幌市", "01", "札幌市"),
        ("北海道の札幌市です", "01", "札幌市"),
        ("神奈川県横浜市青葉区に住んでます", "14", "横浜市青葉区"),
        ("青森市", "02", "青森市"),
        ("東京都町田市です", "13", "町田市"),
        ("秋田県にかほ市", "05", "にかほ市"),
        ("東大阪市", "27", "東大阪市"),  # one name: not 東 + 大阪市
        ("千葉県千葉市中央区", "12", "千葉市中央区"),
        # Designated cities and Tokyo's special wards imply their prefecture.
        ("大阪市", "27", "大阪市"),
        ("大阪市北区です", "27", "大阪市北区"),
        ("堺市", "27", "堺市"),
        ("札幌", "01", "札幌"),
        ("名古屋に住んでる", "23", "名古屋"),
        ("さいたま市浦和区", "11", "さいたま市浦和区"),
        ("北九州市", "40", "北九州市"),
        ("相模原市", "14", "相模原市"),
        ("浜松市", "22", "浜松市"),
        ("熊本市", "43", "熊本市"),
        ("世田谷区", "13", "世田谷区"),
        ("江戸川区です", "13", "江戸川区"),
        ("Yokohama", "14", "Yokohama"),
        ("yokohama city", "14", "yokohama city"),
        ("Kobe", "28", "Kobe"),
        ("Osaka City", "27", "Osaka City"),
        ("Setagaya-ku", "13", "Setagaya-ku"),
        ("Tokyo, Setagaya-ku", "13", "Setagaya-ku"),
        ("Tokyo-to Setagaya-ku", "13", "Setagaya-ku"),
        ("Sapporo-shi", "01", "Sapporo-shi"),
        ("Kanagawa Yokohama", "14", "Yokohama"),
        # Surrounded by other words, spaces and punctuation.
        ("東京です", "13", ""),
        ("住んでいるのは神奈川県です。", "14", ""),
        ("「大阪」", "27", ""),
        ("  沖縄県  ", "47", ""),
        ("ならです", "29", ""),
        ("I live in Kyoto.", "26", ""),
        ("aichi ken", "23", ""),
        ("Hyōgo", "28", ""),
        ("ibaragi", "08", ""),
        ("ｶｺﾞｼﾏ", "46", ""),
        ("カゴシマ", "46", ""),
    ],
)
def test_parse_understands_what_people_type(text: str, code: str, municipality: str) -> None:
    region = PREFECTURES.parse(text)
    assert region is not None, text
    assert (region.prefecture.code, region.municipality) == (code, municipality)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "わからない",
        "Narnia",
        "ならない",  # "must not", not Nara
        "しがない",  # "humble", not Shiga
        "みえない",  # "cannot see", not Mie
        "さがしてる",  # "looking for", not Saga
        "ぎふと",
        "0",
        "48",
        "99",
        "13歳です",
        "kita",  # a ward's Latin name alone is too common a word
        "。、！？",
    ],
)
def test_parse_returns_none_when_nothing_is_recognised(text: str) -> None:
    assert PREFECTURES.parse(text) is None


def test_parse_never_raises_on_any_string() -> None:
    alphabet = "東京都京大阪市区町村県府道北海ーとうきょならabcdkuTo-13１３ 。、\u3000\ud800\x00\u0301İ"
    rng = random.Random(20261127)
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        region = PREFECTURES.parse(text)
        assert region is None or len(region.municipality) <= 40


def test_parse_bounds_the_municipality_and_work_on_long_text() -> None:
    region = PREFECTURES.parse("東京都" + "世" * 100 + "区")
    assert region is not None and region.prefecture.code == "13"
    assert len(region.municipality) <= 40
    assert PREFECTURES.parse("あ" * 100_000) is None


def test_all_47_codes_are_present_and_unique() -> None:
    codes = [prefecture.code for prefecture in PREFECTURES]
    assert codes == [f"{number:02d}" for number in range(1, 48)]
    assert len(PREFECTURES) == 47


def test_every_japanese_name_ends_with_a_prefecture_suffix() -> None:
    assert all(prefecture.name_ja[-1] in "都道府県" for prefecture in PREFECTURES)
    assert len({prefecture.name_ja for prefecture in PREFECTURES}) == 47
    assert len({prefecture.name_en for prefecture in PREFECTURES}) == 47


def test_every_prefecture_parses_from_its_own_names() -> None:
    for prefecture in PREFECTURES:
        for text in (prefecture.name_ja, prefecture.name_en, prefecture.code):
            region = PREFECTURES.parse(text)
            assert region is not None and region.prefecture == prefecture, text


def test_get_by_code() -> None:
    tokyo = PREFECTURES.get("13")
    assert tokyo is not None and (tokyo.name_ja, tokyo.name_en) == ("東京都", "Tokyo")
    assert PREFECTURES.get("99") is None
    assert PREFECTURES.get("") is None


def test_name_is_japanese_for_ja_and_english_otherwise() -> None:
    osaka = PREFECTURES.get("27")
    assert osaka is not None
    assert (osaka.name("ja"), osaka.name("en"), osaka.name("vi")) == ("大阪府", "Osaka", "Osaka")


def test_a_name_pointing_at_two_prefectures_is_refused() -> None:
    spec = {
        "prefectures": [
            {"code": "01", "name_ja": "北海道", "name_en": "Hokkaido", "kana": "ほっかいどう"},
            {
                "code": "02",
                "name_ja": "青森県",
                "name_en": "Aomori",
                "kana": "あおもりけん",
                "romaji": ["hokkaido"],
            },
        ]
    }
    with pytest.raises(RegionDataError, match="hokkaido"):
        Prefectures(spec)

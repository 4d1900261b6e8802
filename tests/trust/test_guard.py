"""The contact guard's table: every case, its certainty, plus recall and false-positive rate over the whole table."""
import pytest

from forum.guard import KINDS, Finding, certain_findings, find_contact_info, uncertain_findings
from tests.trust.guard_cases import HELD, NEGATIVE, NEGATIVE_HELD, POSITIVE


def _caught(kind: str, text: str, core: str | None) -> bool:
    if core is None:
        return any(f.kind == kind for f in find_contact_info(text))
    start = text.index(core)
    end = start + len(core)
    return any(f.kind == kind and f.start <= start and end <= f.end for f in find_contact_info(text))


@pytest.mark.parametrize(("kind", "text", "core"), POSITIVE, ids=[c[1] for c in POSITIVE])
def test_finds_contact_details(kind, text, core):
    assert _caught(kind, text, core), find_contact_info(text)


@pytest.mark.parametrize(("kind", "text", "core"), POSITIVE, ids=[c[1] for c in POSITIVE])
def test_certain_unless_listed_as_held(kind, text, core):
    findings = find_contact_info(text)
    if text in HELD:
        assert findings and not any(f.certain for f in findings), findings
        assert uncertain_findings(text) == findings and certain_findings(text) == []
    else:
        assert any(f.certain for f in findings), findings
        assert uncertain_findings(text) == []


def test_held_cases_are_in_the_table():
    assert HELD.issubset(text for _, text, _ in POSITIVE)


@pytest.mark.parametrize("text", NEGATIVE)
def test_leaves_ordinary_text_alone(text):
    assert find_contact_info(text) == []


@pytest.mark.parametrize("text", NEGATIVE_HELD)
def test_holds_but_never_refuses_lookalikes(text):
    assert certain_findings(text) == []


def test_table_size_and_figures(capsys):
    assert len(POSITIVE) >= 80 and len(NEGATIVE) >= 80
    assert {kind for kind, _, _ in POSITIVE} == set(KINDS)
    caught = sum(_caught(*case) for case in POSITIVE)
    false_alarms = sum(bool(find_contact_info(text)) for text in NEGATIVE)
    recall = caught / len(POSITIVE)
    fp_rate = false_alarms / len(NEGATIVE)
    with capsys.disabled():
        print(f"\nguard: recall {recall:.1%} ({caught}/{len(POSITIVE)}), "
              f"false-positive rate {fp_rate:.1%} ({false_alarms}/{len(NEGATIVE)})")
    assert recall >= 0.95
    assert fp_rate <= 0.03


def test_offsets_point_into_the_original_text():
    text = "よろしくお願いします。ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ か ０９０－１２３４－５６７８ へ"
    findings = find_contact_info(text)
    assert [(f.kind, text[f.start:f.end]) for f in findings] == [
        ("email", "ｔａｒｏ＠ｅｘａｍｐｌｅ．ｃｏｍ"), ("phone", "０９０－１２３４－５６７８"),
    ]


def test_an_address_made_of_a_phone_number_is_one_finding():
    text = "09012345678@docomo.ne.jp"
    assert find_contact_info(text) == [Finding("email", 0, len(text), certain=True)]


def test_empty_and_plain_text():
    assert find_contact_info("") == []
    assert find_contact_info("仮払いの仕組みについて教えてください。") == []


def test_spelled_out_offsets_cover_the_original_spelling():
    text = "連絡は ｒ ｉ ｎ ａ ＠ ｇ ｍ ａ ｉ ｌ ． ｃ ｏ ｍ、電話は ｾﾞﾛｷｭｳｾﾞﾛ ｲﾁﾆｻﾝﾖﾝ ｺﾞﾛｸﾅﾅﾊﾁ"
    assert [(f.kind, text[f.start:f.end]) for f in find_contact_info(text)] == [
        ("email", "ｒ ｉ ｎ ａ ＠ ｇ ｍ ａ ｉ ｌ ． ｃ ｏ ｍ"), ("phone", "ｾﾞﾛｷｭｳｾﾞﾛ ｲﾁﾆｻﾝﾖﾝ ｺﾞﾛｸﾅﾅﾊﾁ"),
    ]


def test_offsets_survive_rewrites_that_change_the_length():
    # Letters read out in kana become one letter each, a counted digit becomes four: the finding
    # still covers exactly what the member wrote.
    text = "よろしく。LINEのIDは えむ・あい・けー・おー・2・2 です"
    [finding] = find_contact_info(text)
    assert finding.kind == "line" and text[finding.start:finding.end].endswith("えむ・あい・けー・おー・2・2")
    text = "電話は、携帯が080のあとに3が4つ、そのあと6が4つです"
    [finding] = find_contact_info(text)
    assert (finding.kind, text[finding.start:finding.end], finding.certain) == ("phone", "080のあとに3が4つ、そのあと6が4つ", False)


def test_look_alike_letters_keep_the_original_span():
    text = "連絡は ＬＩИＥ: mei_photo まで"
    [finding] = find_contact_info(text)
    assert (finding.kind, text[finding.start:finding.end], finding.certain) == ("line", "ＬＩИＥ: mei_photo", True)

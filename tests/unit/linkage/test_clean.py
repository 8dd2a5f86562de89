from datetime import date

from doudi.core import ids
from doudi.linkage.clean import birth_of, clean, clean_id, pinyin, sex_of
from doudi.linkage.model import BLOCKING_KEYS, blocking_keys, id_keys
from doudi.linkage.records import frame
from tests.unit.linkage.world import swap, typo

NUMBER = ids.make("530627", date(1962, 3, 14), 131)


def test_clean_id_upgrades_15_digits() -> None:
    assert clean_id(NUMBER[:6] + NUMBER[8:17]) == (NUMBER, True, "")


def test_clean_id_uppercases_x_and_strips_apostrophe_and_full_width() -> None:
    x_id = next(n for s in range(1, 200) if (n := ids.make("530627", date(1950, 1, 3), s)).endswith("X"))
    assert clean_id("'" + x_id[:-1] + "x ") == (x_id, True, "")
    assert clean_id(x_id.translate(str.maketrans("0123456789X", "０１２３４５６７８９Ｘ")))[0] == x_id


def test_invalid_id_is_kept_as_digits_and_flagged() -> None:
    wrong = typo(NUMBER, 15)
    assert clean_id(wrong) == (wrong, False, "id_bad_check_character")


def test_id_stored_as_excel_number_is_dropped_not_guessed() -> None:
    assert clean_id("5.30627196203141E+17") == ("", False, "id_stored_as_number")


def test_homophones_share_pinyin() -> None:
    assert pinyin("张伟") == pinyin("章伟") != pinyin("王伟")


def _shared(a: str, b: str) -> set[str]:
    ka, kb = id_keys(a), id_keys(b)
    return {k for k in ka if ka[k] == kb[k]}


def test_any_single_digit_typo_keeps_a_blocking_key() -> None:
    for position in range(18):
        for digit in "0123456789X":
            changed = NUMBER[:position] + digit + NUMBER[position + 1 :]
            assert _shared(changed, NUMBER), (position, digit)


def test_any_adjacent_swap_keeps_a_blocking_key() -> None:
    for position in range(17):
        assert _shared(swap(NUMBER, position), NUMBER), position


def test_blocking_key_columns_agree_with_id_keys() -> None:
    row = blocking_keys(
        frame([{"uid": "x", "roster": "poverty", "household": "h", "name": "n"}]).assign(id=[NUMBER])
    )
    assert {k: row.iloc[0][k] for k in BLOCKING_KEYS} == id_keys(NUMBER)


def test_blank_id_falls_back_to_the_head_column_on_the_heads_own_row_and_to_the_certificate() -> None:
    child = ids.make("530627", date(2015, 10, 11), 531)
    rows = [
        {
            "uid": "d:1",
            "roster": "dibao",
            "household": "D",
            "name": "张玉开",
            "relation": "户主",
            "head_id_raw": child,
        },
        {
            "uid": "p:1",
            "roster": "poverty",
            "household": "P",
            "name": "张玉开",
            "relation": "之子",
            "id_alt": child,
        },
        {
            "uid": "p:2",
            "roster": "poverty",
            "household": "P",
            "name": "张凤",
            "relation": "之女",
            "head_id_raw": NUMBER,
        },
    ]
    cleaned = clean(frame(rows))
    assert cleaned["id"].tolist() == [child, child, ""]


def test_id_stored_as_excel_number_falls_back_to_the_certificate() -> None:
    """An ID cell Excel turned into 5.30627E+17 lost its digits; the disability certificate holds the number."""
    row = {"uid": "p:1", "roster": "poverty", "household": "P", "name": "王丹娟", "relation": "之女"}
    out = clean(frame([{**row, "id_raw": "5.30627E+17", "id_alt": NUMBER}]))
    assert (out.iloc[0]["id"], out.iloc[0]["id_valid"]) == (NUMBER, True)
    assert out.iloc[0]["id_problem"] == "id_stored_as_number"


def test_column_cleaning_agrees_with_the_cell_functions() -> None:
    """clean() takes the clean cells a column at a time and the rest cell by cell: both paths give the same."""
    cells = [
        NUMBER,
        typo(NUMBER, 15),
        swap(NUMBER, 8),
        NUMBER[:6] + NUMBER[8:17],
        " " + NUMBER,
        "5.30627196203141E+17",
        "",
        "5306271962031",
        NUMBER[:10] + "1341" + NUMBER[14:],
        "ABC",
    ]
    rows = [
        {"uid": f"p:{i}", "roster": "poverty", "household": "P", "name": "李", "id_raw": c}
        for i, c in enumerate(cells)
    ]
    out = clean(frame(rows))
    for cell, (_, row) in zip(cells, out.iterrows(), strict=True):
        number, valid, problem = clean_id(cell)
        assert (row["id"], row["id_valid"], row["id_problem"]) == (number, valid, problem), cell
        assert row["birth_date"] == birth_of(number), cell
        assert row["sex"] == sex_of(number), cell

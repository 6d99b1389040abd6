"""Text from people, made safe to keep, show and export.

Citizens' suggestions and complaints and officials' follow-up plans end up in spreadsheet
cells: a control character there makes the whole workbook unwritable, and a cell holds at most
32,767 characters (counted in UTF-16 code units). Text is cleaned where it enters, and again
where a cell is written, for rows stored before.
"""

import unicodedata

EXCEL_CELL_CHARS = 32_767
ELLIPSIS = "…"
# Characters XML 1.0 (and so XLSX) cannot hold, beyond the control characters.
_NONCHARACTERS = frozenset("\ufffe\uffff")


def _kept(character: str) -> bool:
    if character in "\n\t":
        return True
    # Cc: control characters; Cs: lone surrogates, which cannot even be encoded as UTF-8.
    return unicodedata.category(character) not in ("Cc", "Cs") and character not in (_NONCHARACTERS)


def _units(character: str) -> int:
    return 2 if ord(character) > 0xFFFF else 1


def clean_text(text: str, limit: int = EXCEL_CELL_CHARS) -> str:
    """Without control characters (new lines and tabs stay, any line ending becomes \\n),
    and at most `limit` UTF-16 code units, cut with an ellipsis."""
    limit = min(limit, EXCEL_CELL_CHARS)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    kept = [c for c in text if _kept(c)]
    if sum(map(_units, kept)) <= limit:
        return "".join(kept)
    room = limit - _units(ELLIPSIS)
    out: list[str] = []
    for character in kept:
        room -= _units(character)
        if room < 0:
            break
        out.append(character)
    return "".join(out) + ELLIPSIS

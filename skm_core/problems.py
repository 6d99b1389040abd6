"""The kinds of problem an input file can have; each has its wording in content/texts.yaml."""

from enum import StrEnum


class Problem(StrEnum):
    UNREADABLE = "unreadable"
    NOT_UTF8 = "not_utf8"
    EMPTY_FILE = "empty_file"
    NO_RESPONSES = "no_responses"
    MISSING_COLUMN = "missing_column"
    DUPLICATE_COLUMN = "duplicate_column"
    NOT_A_SCORE = "not_a_score"
    UNSUPPORTED_FORMAT = "unsupported_format"
    BAD_DATE = "bad_date"
    DATE_OUT_OF_RANGE = "date_out_of_range"
    NO_DATE = "no_date"
    UNKNOWN_SERVICE = "unknown_service"
    BAD_OPTION = "bad_option"
    BAD_NUMBER = "bad_number"
    UNANSWERED_UNSUR = "unanswered_unsur"
    TOO_LARGE = "too_large"
    TOO_MANY_ROWS = "too_many_rows"
    TOO_MANY_COLUMNS = "too_many_columns"
    FORMULA_WITHOUT_VALUE = "formula_without_value"

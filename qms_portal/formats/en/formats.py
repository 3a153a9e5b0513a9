"""English dates, day first and the month in letters: unambiguous wherever the reader is from."""

DATE_FORMAT = "j F Y"  # 4 December 2026
SHORT_DATE_FORMAT = "j M Y"  # 4 Dec 2026
DATETIME_FORMAT = "j F Y, H:i"  # 4 December 2026, 14:30
SHORT_DATETIME_FORMAT = "j M Y, H:i"  # 4 Dec 2026, 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-04 (the date pickers)
    "%d/%m/%Y",  # 04/12/2026
    "%d %b %Y",  # 4 Dec 2026
    "%d %B %Y",  # 4 December 2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # datetime-local pickers
    "%d/%m/%Y %H:%M",
]

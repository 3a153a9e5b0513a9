"""Vietnamese dates: dd/mm/yyyy, as administrative documents write them."""

DATE_FORMAT = "d/m/Y"  # 04/12/2026
SHORT_DATE_FORMAT = "d/m/Y"
DATETIME_FORMAT = "d/m/Y H:i"  # 04/12/2026 14:30
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "m/Y"
MONTH_DAY_FORMAT = "d/m"
FIRST_DAY_OF_WEEK = 1  # Thứ Hai
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-04 (the date pickers)
    "%d/%m/%Y",  # 04/12/2026
    "%d-%m-%Y",  # 04-12-2026
    "%d.%m.%Y",  # 04.12.2026
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # datetime-local pickers
    "%d/%m/%Y %H:%M",
]

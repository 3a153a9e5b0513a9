"""Traditional Chinese dates: 2026年12月4日."""

DATE_FORMAT = "Y年n月j日"  # 2026年12月4日
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年12月4日 14:30
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y年n月"
MONTH_DAY_FORMAT = "n月j日"
FIRST_DAY_OF_WEEK = 1  # 星期一
DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2026-12-04 (the date pickers; Django's own list starts with 2026/12/04)
    "%Y/%m/%d",  # 2026/12/04
    "%Y年%m月%d日",  # 2026年12月4日
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",  # datetime-local pickers
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H:%M",
]

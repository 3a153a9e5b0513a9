"""Dates as each language writes them (``FORMAT_MODULE_PATH``), where Django's own differ:

* English: "4 Dec 2026" and "4 December 2026", never "12/04/2026" (read as 12 April outside the
  United States);
* Vietnamese: 04/12/2026 (dd/mm/yyyy);
* Chinese: 2026年12月4日.

Templates use the named formats (``|date:"SHORT_DATE_FORMAT"``, ``DATE_FORMAT``,
``SHORT_DATETIME_FORMAT``, ``DATETIME_FORMAT``), never a pattern of their own. Every language
reads dates typed in ISO first (2026-12-04): that is what the browsers' date pickers
(``<input type="date">``) send and show, whatever the language.
"""

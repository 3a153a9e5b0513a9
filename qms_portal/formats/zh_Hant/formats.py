"""Traditional Chinese dates: 2026年12月4日, written as in Simplified Chinese."""

from qms_portal.formats.zh_Hans.formats import *  # noqa: F403

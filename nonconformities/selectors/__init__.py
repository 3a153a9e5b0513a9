"""Reads that several views (and other areas) share, one sub-module per part."""

from .nonconformity import *  # noqa: F401,F403

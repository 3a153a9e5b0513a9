"""Forms of the nonconformities area, one sub-module per part."""

from .nonconformity import *  # noqa: F401,F403

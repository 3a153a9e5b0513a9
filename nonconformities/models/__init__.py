"""The models of the nonconformities area, one sub-module per part (each helper owns its own)."""

from .nonconformity import *  # noqa: F401,F403

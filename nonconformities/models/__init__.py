"""The models of the nonconformities area, one sub-module per part (each helper owns its own)."""

from .desk import *  # noqa: F401,F403 - desk: nonconforming outputs (8.7), citizen feedback
from .nonconformity import *  # noqa: F401,F403

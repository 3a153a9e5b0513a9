"""The nonconformities area's models, one sub-module per part (each helper owns its own)."""

from .desk import *  # noqa: F401,F403 - the one-stop-shop desk: nonconforming outputs, citizen feedback

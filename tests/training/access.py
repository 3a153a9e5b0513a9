"""The training area's rows of the access matrix (``tests/qms_portal/test_access_matrix.py``), composed
from each part's own module (``tests/training/access_<part>.py``; see ``tests/access_parts.py``)."""

from tests.access_parts import compose

_TABLE = compose("training")
PARTS = _TABLE.PARTS
ROWS, POST_DATA, LISTS, SPOT_CHECKS, THROUGH = (_TABLE.ROWS, _TABLE.POST_DATA, _TABLE.LISTS, _TABLE.SPOT_CHECKS,
                                                _TABLE.THROUGH)
make_objects, make_global_objects, url_kwargs = _TABLE.make_objects, _TABLE.make_global_objects, _TABLE.url_kwargs

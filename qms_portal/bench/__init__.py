"""Benchmark tooling (``manage.py seed_scale``, ``manage.py bench``): the core's province-sized
data (``scale``), the page timer (``runner``), its table (``report``) and what an area's own tools
look like (``tools``). Imported by those management commands and the tests only, never by the web
process; the areas' tools are found through ``qms_portal.areas``, never imported by name."""

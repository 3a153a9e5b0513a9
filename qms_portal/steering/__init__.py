"""The steering committee's dashboard: the figures every area registered (``areas.Figure``), per
unit of the reader's subtree and rolled up the tree, for a period, with traffic lights, links to
the registers, 12-month trends and a PDF. It reads only what the areas register: it imports none."""

"""The records part of the training area: the attendance sheet PDF, the certificates of completion,
the participants' feedback and their heads' check of the training's effectiveness."""

PART = {}

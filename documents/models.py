"""Models of this area arrive with its own issue."""

"""The few HTML pieces the demo's document texts are written with (the content sanitiser keeps them)."""


def heading(text):
    return f"<h1>{text}</h1>"


def para(text):
    return f"<div>{text}</div>"


def bullets(items):
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"

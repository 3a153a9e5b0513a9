def seed(**kwargs):
    return None

def seed(log):
    pass

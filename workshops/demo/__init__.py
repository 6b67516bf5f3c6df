"""Demo data: real calls for papers transcribed as Python data, plus a demo edition and users.

``seeds`` holds the facts, ``loader`` writes them to the database; the ``load_demo`` management
command runs the loader (and the submissions and reviews demo loaders when those apps have one).
"""

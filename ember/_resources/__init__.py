"""Small data files shipped inside the package (so examples run offline).

>>> text = read_text('poems.txt')
>>> text.startswith('Jabberwocky')
True
"""
from importlib import resources


def read_text(name):
    """The contents of a shipped text file, e.g. ``read_text('poems.txt')``.

    >>> len(read_text('poems.txt')) > 1000
    True
    """
    return resources.files(__package__).joinpath(name).read_text(encoding='utf-8')

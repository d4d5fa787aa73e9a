"""Minimal pytrees for the function transforms: nested tuples, lists and dicts of leaves.

>>> leaves, spec = flatten({'a': 1, 'b': (2, [3])})
>>> leaves, unflatten([x * 10 for x in leaves], spec)
([1, 2, 3], {'a': 10, 'b': (20, [30])})
"""


class Spec:
    """The shape of a tree: the container type, its keys and the child specs (None: a leaf)."""
    __slots__ = ('kind', 'keys', 'children')

    def __init__(self, kind, keys, children):
        self.kind, self.keys, self.children = kind, keys, children

    @property
    def num_leaves(self):
        if self.kind is None:
            return 1
        return sum(c.num_leaves for c in self.children)

    def __eq__(self, other):
        return (isinstance(other, Spec) and self.kind is other.kind and self.keys == other.keys
                and self.children == other.children)

    def __repr__(self):
        if self.kind is None:
            return '*'
        inner = ', '.join(map(repr, self.children))
        if self.kind is dict:
            return '{' + ', '.join(f'{k!r}: {c!r}' for k, c in zip(self.keys, self.children)) + '}'
        return f'[{inner}]' if self.kind is list else f'({inner},)' if len(self.children) == 1 \
            else f'({inner})'


LEAF = Spec(None, None, ())


def _children(tree):
    kind = type(tree)
    if kind is dict:
        return dict, tuple(tree), tuple(tree.values())
    if kind in (tuple, list):
        return kind, None, tuple(tree)
    return None, None, None


def flatten(tree):
    """(leaves in order, Spec)."""
    leaves = []
    return leaves, _flatten(tree, leaves)


def _flatten(tree, leaves):
    kind, keys, children = _children(tree)
    if kind is None:
        leaves.append(tree)
        return LEAF
    return Spec(kind, keys, tuple(_flatten(c, leaves) for c in children))


def unflatten(leaves, spec):
    """Rebuild the tree of ``spec`` from ``leaves``."""
    it = iter(leaves)
    return _build(it, spec)


def _build(it, spec):
    if spec.kind is None:
        return next(it)
    children = [_build(it, c) for c in spec.children]
    if spec.kind is dict:
        return dict(zip(spec.keys, children))
    return spec.kind(children)


def broadcast_prefix(prefix, tree, is_leaf_value):
    """One value per leaf of ``tree``: ``prefix`` mirrors the top of ``tree`` and each of its
    leaves (``is_leaf_value``) covers a whole subtree. Raises ValueError when they differ."""
    out = []
    _broadcast(prefix, tree, is_leaf_value, out)
    return out


def _broadcast(prefix, tree, is_leaf_value, out):
    if is_leaf_value(prefix):
        out.extend([prefix] * flatten(tree)[1].num_leaves)
        return
    kind, keys, children = _children(prefix)
    tkind, tkeys, tchildren = _children(tree)
    if kind is None or kind is not tkind or keys != tkeys or len(children) != len(tchildren):
        raise ValueError('structure mismatch')
    for p, t in zip(children, tchildren):
        _broadcast(p, t, is_leaf_value, out)

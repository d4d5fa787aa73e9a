"""The ``*_copy`` functions: a view op followed by a clone, so the result owns its memory
(``ember.permute_copy(t, (1, 0))`` is ``t.permute(1, 0).clone()``). Each is derived from the
Tensor view method of the same name; differentiable through it.

>>> ember.t_copy(ember.tensor([[1, 2]]))
tensor([[1],
        [2]])
"""
from ._base import Tensor
from ._elementwise import need_tensor, write_out

__all__ = []


def _copy_variant(view_name, name, view_fn=None):
    """``ember.<name>``: ``view_fn`` (default: the Tensor method ``view_name``, looked up at
    call time) followed by a clone of each resulting view."""
    def fn(input, *args, out=None, **kwargs):
        need_tensor(input, name, 'input', 1)
        view = (view_fn or getattr(Tensor, view_name))(input, *args, **kwargs)
        if isinstance(view, (tuple, list)):
            res = tuple(v.clone() for v in view)
            if out is not None:
                for o, r in zip(out, res):
                    write_out(o, r, (input,), name)
                return out
            return res
        res = view.clone()
        if out is not None:
            return write_out(out, res, (input,), name)
        return res
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f'``{view_name}(input, ...)`` copied into new memory.\n\n'
                  f'    >>> callable(ember.{name})\n    True\n    ')
    return fn


def _alias(input):
    """A view of all of ``input``."""
    return input.view_as(input)


def _slice(input, dim=0, start=None, end=None, step=1):
    """``input[start:end:step]`` along ``dim`` (a view)."""
    dim = dim + input.dim() if dim < 0 else dim
    return input[(slice(None),) * dim + (slice(start, end, step),)]


for _view in ('detach', 'diagonal', 'expand', 'permute', 'select', 'split', 'split_with_sizes',
              'squeeze', 't', 'transpose', 'unbind', 'unfold', 'unsqueeze', 'view'):
    globals()[_view + '_copy'] = _copy_variant(_view, _view + '_copy')
    __all__.append(_view + '_copy')
alias_copy = _copy_variant('alias', 'alias_copy', _alias)
slice_copy = _copy_variant('slice', 'slice_copy', _slice)
__all__ += ['alias_copy', 'slice_copy']
METHODS = {}
del _view

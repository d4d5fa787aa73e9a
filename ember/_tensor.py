"""class Tensor: one backend array plus autograd metadata.

Operators and most methods are attached by ``ember._ops`` (one definition per op);
this file holds what is about the tensor itself: construction, properties, conversion,
and the autograd entry points.

>>> t = ember.tensor([[1., 2.], [3., 4.]], requires_grad=True)
>>> t.shape, t.dtype, t.is_leaf
(torch.Size([2, 2]), torch.float32, True)
"""
import numbers

import numpy as np

from . import _dtype as D
from ._device import CPU, array_device, to_device, xp_of
from .autograd import engine
from ._dtype import FLOATING

_new = object.__new__
_NP_TO_DTYPE = D._BY_NP
# the implicit gradient of a scalar root, copied per backward (copying beats np.ones)
_ONE = {dt: np.ones((), dt) for dt in FLOATING}


class Size(tuple):
    """A tensor's shape; a tuple that prints as ``torch.Size([2, 3])``.

    >>> ember.zeros(2, 3).shape
    torch.Size([2, 3])
    """
    __slots__ = ()

    def __repr__(self):
        return f'torch.Size({list(self)})'

    def numel(self):
        n = 1
        for s in self:
            n *= s
        return n

    def __getitem__(self, item):
        r = tuple.__getitem__(self, item)
        return Size(r) if isinstance(item, slice) else r

    def __add__(self, other):
        return Size(tuple(self) + tuple(other))

    def __radd__(self, other):
        return Size(tuple(other) + tuple(self))


_ndarray = np.ndarray
_generic = np.generic


def _make(arr):
    """Wrap a backend array in a Tensor without copying (NumPy scalars become 0-d arrays)."""
    if arr.__class__ is not _ndarray and isinstance(arr, _generic):
        arr = np.asarray(arr)
    t = _new(Tensor)
    t._data = arr
    return t


class Tensor:
    """A multi-dimensional array with autograd, API-compatible with ``torch.Tensor``.

    ``Tensor(data)`` is the legacy constructor: it always makes a default-dtype tensor.

    >>> ember.Tensor([[5]])
    tensor([[5.]])
    """
    __slots__ = ('_data', '__dict__', '__weakref__')
    # Defaults for autograd metadata; instances override only what they use.
    grad = None
    grad_fn = None
    _rg = False
    _vc = None            # shared version counter [n] (views share their base's)
    _base = None
    _out_nr = 0
    _hooks = None
    __array_priority__ = 1000  # so numpy defers `ndarray * tensor` to Tensor.__rmul__

    def __new__(cls, *args, **kwargs):
        return _legacy_new(cls, D.get_default_dtype(), args, kwargs)

    def __init__(self, *args, **kwargs):
        pass

    # ---- properties -------------------------------------------------------
    @property
    def dtype(self):
        """The element type.

        >>> ember.tensor([1, 2]).dtype
        torch.int64
        """
        return _NP_TO_DTYPE[self._data.dtype]

    @property
    def shape(self):
        """The size of each dimension, as a ``Size``.

        >>> ember.zeros(2, 3).shape
        torch.Size([2, 3])
        """
        return Size(self._data.shape)

    @property
    def device(self):
        """Where the data lives.

        >>> ember.zeros(2).device
        device(type='cpu')
        """
        arr = self._data
        return CPU if arr.__class__ is np.ndarray else array_device(arr)

    @property
    def is_cuda(self):
        """Whether the data is on a CUDA device.

        >>> ember.zeros(2).is_cuda
        False
        """
        return self._data.__class__ is not np.ndarray

    @property
    def is_cpu(self):
        """Whether the data is in host memory.

        >>> ember.zeros(2).is_cpu
        True
        """
        return self._data.__class__ is np.ndarray

    @property
    def ndim(self):
        """The number of dimensions (``dim()``).

        >>> ember.zeros(2, 3).ndim
        2
        """
        return self._data.ndim

    @property
    def requires_grad(self):
        """Whether autograd records operations on this tensor (settable on leaves).

        >>> x = ember.ones(2)
        >>> x.requires_grad = True
        >>> x.requires_grad
        True
        """
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        self.requires_grad_(flag)

    @property
    def is_leaf(self):
        """Whether this tensor was not produced by a recorded operation (gradients accumulate in leaves).

        >>> x = ember.ones(2, requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self.grad_fn is None

    @property
    def data(self):
        """A tensor sharing this one's memory, outside the graph (its own version counter).

        >>> x = ember.ones(2, requires_grad=True)
        >>> x.data
        tensor([1., 1.])
        """
        return _make(self._data)

    @data.setter
    def data(self, other):
        self._data = other._data if isinstance(other, Tensor) else np.asarray(other)

    @property
    def _version(self):
        vc = self._vc
        return vc[0] if vc is not None else 0

    @property
    def layout(self):
        """The memory layout: always strided.

        >>> print(ember.zeros(2).layout)
        torch.strided
        """
        return 'torch.strided'

    @property
    def output_nr(self):
        """Which output of its ``grad_fn`` this tensor is.

        >>> a, b = ember.ones(4, requires_grad=True).chunk(2)
        >>> a.output_nr, b.output_nr
        (0, 1)
        """
        return self._out_nr

    @property
    def retains_grad(self):
        """Whether ``retain_grad()`` was called on this non-leaf tensor.

        >>> y = ember.ones(2, requires_grad=True) * 2
        >>> y.retain_grad()
        >>> y.retains_grad
        True
        """
        fn = self.grad_fn
        return fn is not None and bool(fn._retain) and self._out_nr in fn._retain

    # ---- size and memory --------------------------------------------------
    def size(self, dim=None):
        """The shape, or one dimension of it.

        >>> ember.zeros(2, 3).size(-1)
        3
        """
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[_wrap_dim(dim, self._data.ndim, 'size')]

    def dim(self):
        """The number of dimensions.

        >>> ember.zeros(2, 3).dim()
        2
        """
        return self._data.ndim

    ndimension = dim

    def numel(self):
        """The number of elements.

        >>> ember.zeros(2, 3).numel()
        6
        """
        return self._data.size

    nelement = numel

    def element_size(self):
        """Bytes per element.

        >>> ember.zeros(2).element_size(), ember.zeros(2, dtype=ember.float64).element_size()
        (4, 8)
        """
        return self._data.itemsize

    @property
    def itemsize(self):
        """Bytes per element (``element_size()``).

        >>> ember.zeros(2, dtype=ember.int16).itemsize
        2
        """
        return self._data.itemsize

    @property
    def nbytes(self):
        """Bytes the elements take: ``numel() * itemsize`` (an expanded view counts every
        element).

        >>> ember.zeros(2, 3).nbytes
        24
        """
        return self._data.size * self._data.itemsize

    def stride(self, dim=None):
        """Strides in elements, as in PyTorch.

        >>> ember.zeros(2, 3).stride()
        (3, 1)
        >>> ember.zeros(2, 3).t().stride(0)
        1
        """
        isz = self._data.itemsize
        st = tuple(s // isz for s in self._data.strides)
        return st if dim is None else st[_wrap_dim(dim, self._data.ndim, 'stride')]

    def is_contiguous(self, memory_format=None):
        """Whether the elements are laid out row-major without gaps.

        >>> x = ember.zeros(2, 3)
        >>> x.is_contiguous(), x.t().is_contiguous()
        (True, False)
        """
        return bool(self._data.flags.c_contiguous)

    def data_ptr(self):
        """The address of the first element.

        >>> x = ember.zeros(4)
        >>> x[1:].data_ptr() - x.data_ptr()
        4
        """
        arr = self._data
        return arr.ctypes.data if arr.__class__ is np.ndarray else arr.data.ptr

    def untyped_storage(self):
        """The memory this tensor views, shared with its base and other views (in ember, the base array; its ``len`` is in elements, bytes only for one-byte dtypes).

        >>> len(ember.zeros(4, dtype=ember.uint8)[1:].untyped_storage())
        4
        """
        base = self._data
        while getattr(base, 'base', None) is not None:
            base = base.base
        return base

    def storage_offset(self):
        """Offset of the first element in the storage, in elements.

        >>> ember.zeros(4)[1:].storage_offset()
        1
        """
        arr = self._data
        base = self.untyped_storage()
        if arr.__class__ is not np.ndarray:
            return (arr.data.ptr - base.data.ptr) // arr.itemsize
        return (arr.ctypes.data - np.asarray(base).ctypes.data) // arr.itemsize

    def is_floating_point(self):
        """Whether the dtype is a floating-point type.

        >>> ember.tensor([1.]).is_floating_point(), ember.tensor([1]).is_floating_point()
        (True, False)
        """
        return self._data.dtype in FLOATING

    def is_complex(self):
        """Whether the dtype is complex: ember has none, so always False.

        >>> ember.tensor([1.]).is_complex()
        False
        """
        return False

    def is_signed(self):
        """Whether the dtype can hold negative values.

        >>> ember.tensor([1]).is_signed(), ember.tensor([1], dtype=ember.uint8).is_signed()
        (True, False)
        """
        return self.dtype.is_signed

    def get_device(self):
        """The CUDA device index, or -1 on the CPU.

        >>> ember.zeros(2).get_device()
        -1
        """
        return -1 if self.is_cpu else (self.device.index or 0)

    # ---- conversion to Python / NumPy -------------------------------------
    def item(self):
        """The value of a one-element tensor as a Python number.

        >>> ember.tensor([2.5]).item()
        2.5
        """
        arr = self._data
        if arr.size != 1:
            raise RuntimeError(f'a Tensor with {arr.size} elements cannot be converted to Scalar')
        return arr.reshape(()).item() if arr.__class__ is np.ndarray else arr.reshape(()).get().item()

    def tolist(self):
        """Nested Python lists of the values (a number for a 0-d tensor).

        >>> ember.tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        arr = self._data
        return (arr if arr.__class__ is np.ndarray else arr.get()).tolist()

    def numpy(self, *, force=False):
        """The NumPy array sharing this tensor's memory (CPU only, no grad unless force=True).

        >>> ember.ones(2).numpy()
        array([1., 1.], dtype=float32)
        """
        if self._rg and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        arr = self._data
        if arr.__class__ is not np.ndarray:
            if not force:
                raise TypeError("can't convert cuda:0 device type tensor to numpy. Use "
                                "Tensor.cpu() to copy the tensor to host memory first.")
            return arr.get()
        return arr

    def __array__(self, dtype=None, copy=None):
        arr = self._data
        if arr.__class__ is not np.ndarray:
            arr = arr.get()
        return arr if dtype is None else arr.astype(dtype, copy=False)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError('len() of a 0-d tensor')
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError('iteration over a 0-d tensor')
        return iter(self.unbind(0))

    def __bool__(self):
        arr = self._data
        if arr.size != 1:
            raise RuntimeError('Boolean value of Tensor with '
                               f"{'no values' if arr.size == 0 else 'more than one value'} "
                               'is ambiguous')
        return bool(arr.reshape(()))

    def _scalar(self):
        """The Python number in a one-element tensor, for ``float()``, ``int()``, ``complex()``."""
        if self._data.size != 1:
            raise ValueError('only one element tensors can be converted to Python scalars')
        return self.item()

    def __float__(self):
        return float(self._scalar())

    def __int__(self):
        return int(self._scalar())

    def __index__(self):
        if self._data.dtype.kind not in 'iub' or self._data.size != 1:
            raise TypeError('only integer tensors of a single element can be converted to an index')
        return int(self.item())

    def __complex__(self):
        return complex(self._scalar())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self.item(), spec)
        return format(repr(self), spec)

    def __hash__(self):
        return id(self)

    def __contains__(self, element):
        return bool((self == element)._data.any())

    def __repr__(self, *, tensor_contents=None):
        from ._printing import tensor_repr
        return tensor_repr(self, tensor_contents=tensor_contents)

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self.__array__(), self._rg, str(self.device)))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError('Only Tensors created explicitly by the user (graph leaves) '
                               'support the deepcopy protocol at the moment.')
        if id(self) in memo:
            return memo[id(self)]
        new = _new(type(self))
        new._data = self._data.copy()
        if self._rg:
            new._rg = True
        if self.grad is not None:
            new.grad = self.grad.__deepcopy__(memo)
        for k, v in self.__dict__.items():
            if k not in ('_rg', 'grad', '_vc', '_base', '_hooks'):
                import copy
                setattr(new, k, copy.deepcopy(v, memo))
        memo[id(self)] = new
        return new

    # ---- autograd ----------------------------------------------------------
    def requires_grad_(self, requires_grad=True):
        """Turn gradient tracking on (or off) for a leaf tensor, in place; returns self.

        >>> w = ember.zeros(3).requires_grad_()
        """
        if not self.is_leaf:
            if requires_grad:
                return self
            raise RuntimeError('you can only change requires_grad flags of leaf variables. If '
                               'you want to use a computed variable in a subgraph that doesn\'t '
                               'require differentiation use var_no_grad = var.detach().')
        if requires_grad and self._data.dtype not in FLOATING:
            raise RuntimeError('only Tensors of floating point and complex dtype can require '
                               f'gradients (got {self.dtype}); convert first, e.g. x.float()')
        self._rg = bool(requires_grad)
        return self

    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Compute the gradient of this tensor w.r.t. the graph leaves and accumulate it
        into their ``.grad``.

        >>> x = ember.tensor(3., requires_grad=True); (x * x).backward(); x.grad
        tensor(6.)
        """
        arr = self._data
        if (gradient is None and inputs is None and self.grad_fn is not None
                and arr.size == 1 and arr.dtype in FLOATING):
            if arr.__class__ is not np.ndarray:
                seed = xp_of(arr).ones(arr.shape, arr.dtype)
            elif arr.ndim == 0:
                seed = _ONE[arr.dtype].copy()     # ~0.1 us; np.ones ~0.7 us
            else:
                seed = np.ones(arr.shape, arr.dtype)
            seed = _make(seed)
            keep = create_graph if retain_graph is None else retain_graph
            engine.run_backward((self,), (seed,), keep, create_graph)
            return
        from .autograd import backward
        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward.

        >>> x = ember.ones(2, requires_grad=True)
        >>> y = x * 2
        >>> y.retain_grad()
        >>> y.sum().backward()
        >>> y.grad
        tensor([1., 1.])
        """
        if not self._rg:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        fn = self.grad_fn
        if fn is None:
            return
        import weakref
        if fn._retain is None:
            fn._retain = {}
        fn._retain[self._out_nr] = weakref.ref(self)

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a
        replacement. Returns a handle with ``remove()``.

        >>> x = ember.tensor([1., 2.], requires_grad=True)
        >>> h = x.register_hook(lambda g: g * 2)
        >>> x.sum().backward(); x.grad
        tensor([2., 2.])
        >>> h.remove()
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        fn = self.grad_fn
        if fn is not None:
            return fn._add_pre_hook(self._out_nr, hook)
        if self._hooks is None:
            self._hooks = []
        self._hooks.append(hook)
        return engine._Handle(self._hooks, hook)

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` on this leaf after its ``.grad`` was accumulated.

        >>> w = ember.tensor([1., 2.], requires_grad=True)
        >>> h = w.register_post_accumulate_grad_hook(lambda p: print(p.grad))
        >>> (w * 3).sum().backward()
        tensor([3., 3.])
        """
        if self.grad_fn is not None:
            raise RuntimeError('post accumulate grad hooks cannot be registered on non-leaf '
                               'tensors')
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        hooks = self.__dict__.setdefault('_post_hooks', [])
        hooks.append(hook)
        return engine._Handle(hooks, hook)

    def detach(self):
        """A tensor sharing memory (and version counter) with this one, outside the graph.

        >>> x = ember.tensor([1., 2.], requires_grad=True)
        >>> y = x.detach(); y[0] = 5.; y.requires_grad, x
        (False, tensor([5., 2.], requires_grad=True))
        """
        t = _new(Tensor)
        t._data = self._data
        vc = self._vc
        if vc is None:
            vc = self._vc = [0]
        t._vc = vc
        return t

    def detach_(self):
        """Detach this tensor from the graph in place (it becomes a leaf).

        >>> y = ember.ones(2, requires_grad=True) * 2
        >>> y.detach_()
        tensor([2., 2.])
        >>> y.is_leaf, y.requires_grad
        (True, False)
        """
        self.grad_fn = None
        self._rg = False
        return self

    # ---- dtype / device conversion ----------------------------------------
    def to(self, *args, **kwargs):
        """Convert dtype and/or device: ``to(dtype)``, ``to(device)``, ``to(device, dtype)``,
        ``to(other)``; returns self when nothing changes (unless copy=True).

        >>> ember.tensor([1, 2]).to(ember.float32)
        tensor([1., 2.])
        """
        dev, dt, copy = _parse_to(args, kwargs)
        return _to(self, dev, dt, copy)

    def type(self, dtype=None, non_blocking=False, **kwargs):
        """Without arguments, the legacy type name ('torch.FloatTensor'); otherwise a cast.

        >>> ember.zeros(2).type()
        'torch.FloatTensor'
        >>> ember.zeros(2).type(ember.int64)
        tensor([0, 0])
        """
        if dtype is None:
            name = _LEGACY_NAMES[self.dtype.name]
            return f'torch.cuda.{name}' if self.is_cuda else f'torch.{name}'
        if isinstance(dtype, str) and dtype.endswith('Tensor'):
            cuda = '.cuda.' in dtype
            dt = _LEGACY_BY_NAME[dtype.rsplit('.', 1)[-1]]
            return _to(self, to_device('cuda') if cuda else None, dt, False)
        if isinstance(dtype, type) and issubclass(dtype, Tensor) and hasattr(dtype, '_legacy_dtype'):
            return _to(self, None, dtype._legacy_dtype, False)
        return _to(self, None, D.to_dtype(dtype), False)

    def type_as(self, other):
        """This tensor cast to ``other``'s dtype (and device).

        >>> ember.tensor([1, 2]).type_as(ember.zeros(1))
        tensor([1., 2.])
        """
        return _to(self, other.device, other.dtype, False)

    def cpu(self, memory_format=None):
        """A copy in host memory (``self`` when already there).

        >>> ember.ones(2).cpu()
        tensor([1., 1.])
        """
        return _to(self, CPU, None, False)

    def cuda(self, device=None, non_blocking=False, memory_format=None):
        """A copy on a CUDA device (needs CuPy and a GPU).

        >>> x = ember.ones(2)
        >>> (x.cuda() if ember.cuda.is_available() else x).sum().item()
        2.0
        """
        dev = to_device('cuda' if device is None else (device if not isinstance(device, int) else f'cuda:{device}'))
        return _to(self, dev, None, False)

    def float(self, memory_format=None):
        """``self.to(ember.float32)``.

        >>> ember.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return _to(self, None, D.float32, False)

    def double(self, memory_format=None):
        """``self.to(ember.float64)``.

        >>> ember.tensor([1, 2]).double()
        tensor([1., 2.], dtype=torch.float64)
        """
        return _to(self, None, D.float64, False)

    def half(self, memory_format=None):
        """``self.to(ember.float16)``.

        >>> ember.tensor([1, 2]).half()
        tensor([1., 2.], dtype=torch.float16)
        """
        return _to(self, None, D.float16, False)

    def bfloat16(self, memory_format=None):
        """``self.to(ember.bfloat16)`` (needs ``ml_dtypes``).

        >>> ember.tensor([1, 2]).bfloat16()
        tensor([1., 2.], dtype=torch.bfloat16)
        """
        return _to(self, None, D.to_dtype(D.bfloat16), False)

    def long(self, memory_format=None):
        """``self.to(ember.int64)`` (floats truncate toward zero).

        >>> ember.tensor([1.5, -2.5]).long()
        tensor([ 1, -2])
        """
        return _to(self, None, D.int64, False)

    def int(self, memory_format=None):
        """``self.to(ember.int32)``.

        >>> ember.tensor([1.5, 2.]).int()
        tensor([1, 2], dtype=torch.int32)
        """
        return _to(self, None, D.int32, False)

    def short(self, memory_format=None):
        """``self.to(ember.int16)``.

        >>> ember.tensor([1, 2]).short()
        tensor([1, 2], dtype=torch.int16)
        """
        return _to(self, None, D.int16, False)

    def char(self, memory_format=None):
        """``self.to(ember.int8)``.

        >>> ember.tensor([1, 2]).char()
        tensor([1, 2], dtype=torch.int8)
        """
        return _to(self, None, D.int8, False)

    def byte(self, memory_format=None):
        """``self.to(ember.uint8)``.

        >>> ember.tensor([1, 2]).byte()
        tensor([1, 2], dtype=torch.uint8)
        """
        return _to(self, None, D.uint8, False)

    def bool(self, memory_format=None):
        """``self.to(ember.bool)`` (nonzero is True).

        >>> ember.tensor([0, 2]).bool()
        tensor([False,  True])
        """
        return _to(self, None, D.bool, False)

    def pin_memory(self):
        """``self``: ember has no page-locked memory (PyTorch copies into it).

        >>> x = ember.ones(2)
        >>> x.pin_memory() is x
        True
        """
        return self

    def is_pinned(self):
        """Whether the data is in page-locked memory: always False in ember.

        >>> ember.ones(2).is_pinned()
        False
        """
        return False

    def share_memory_(self):
        """Returns ``self``: ember tensors are not moved to shared memory.

        >>> x = ember.ones(2)
        >>> x.share_memory_() is x
        True
        """
        return self

    def is_shared(self):
        """Whether the data is in shared memory: always False in ember.

        >>> ember.ones(2).is_shared()
        False
        """
        return False


def _rebuild(arr, requires_grad, device='cpu'):
    t = _make(np.array(arr))
    if device != 'cpu':
        t = t.to(device)
    if requires_grad:
        t._rg = True
    return t


def _wrap_dim(dim, ndim, op='dim'):
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f'Dimension out of range (expected to be in range of [{-n}, {n - 1}], '
                         f'but got {dim})')
    return dim % n


_LEGACY_NAMES = {'float32': 'FloatTensor', 'float64': 'DoubleTensor', 'float16': 'HalfTensor',
                 'bfloat16': 'BFloat16Tensor', 'int64': 'LongTensor', 'int32': 'IntTensor',
                 'int16': 'ShortTensor', 'int8': 'CharTensor', 'uint8': 'ByteTensor',
                 'bool': 'BoolTensor'}
_LEGACY_BY_NAME = {v: D._BY_NAME[k] for k, v in _LEGACY_NAMES.items() if k in D._BY_NAME}


def _parse_to(args, kwargs):
    dev = dt = None
    copy = kwargs.pop('copy', False)
    kwargs.pop('non_blocking', None)
    kwargs.pop('memory_format', None)
    if 'dtype' in kwargs:
        dt = D.to_dtype(kwargs.pop('dtype'))
    if 'device' in kwargs:
        dev = to_device(kwargs.pop('device'))
    if 'other' in kwargs:
        args = args + (kwargs.pop('other'),)
    if kwargs:
        raise TypeError(f'to() got unexpected keyword arguments {sorted(kwargs)}')
    for a in args:
        if isinstance(a, Tensor):
            dev, dt = a.device, a.dtype
        elif isinstance(a, D.dtype):
            dt = a
        elif isinstance(a, bool):
            pass           # legacy non_blocking / copy positional flags
        elif isinstance(a, (str, int)) or a.__class__.__name__ == 'device':
            dev = to_device(a)
        elif a is not None:
            dt = D.to_dtype(a)
    return dev, dt, copy


def _to(t, dev, dt, copy):
    arr = t._data
    same_dev = dev is None or (dev.type == 'cpu') == (arr.__class__ is np.ndarray)
    same_dt = dt is None or arr.dtype == dt.np
    if same_dev and same_dt and not copy:
        return t
    from ._ops.conversion import to_copy
    return to_copy(t, None if same_dev else dev, None if same_dt else dt)


def _legacy_new(cls, dt, args, kwargs):
    device = kwargs.pop('device', None)
    if 'size' in kwargs:
        args = tuple(kwargs.pop('size'))
    if kwargs:
        raise TypeError(f'{cls.__name__}() got unexpected keyword arguments {sorted(kwargs)}')
    if len(args) == 0:
        arr = np.empty((0,), dt.np)
    elif len(args) == 1 and not isinstance(args[0], numbers.Integral):
        src = args[0]
        if isinstance(src, Tensor):
            if src.dtype is not dt:
                raise TypeError(f'expected {dt} (got {src.dtype})')
            return src
        from ._ops.creation import _array_from_data
        arr = _array_from_data(src, dt)
    else:
        if len(args) == 1 and isinstance(args[0], (tuple, list)):
            args = tuple(args[0])
        if not all(isinstance(a, numbers.Integral) for a in args):
            raise TypeError(f'{cls.__name__}() takes a sequence of data or integer sizes, got {args!r}')
        arr = np.empty(tuple(int(a) for a in args), dt.np)
        if dt.is_floating_point:
            arr.fill(0)
    t = _new(Tensor if cls is Tensor or hasattr(cls, '_legacy_dtype') else cls)
    t._data = arr
    if device is not None:
        t = _to(t, to_device(device), None, False)
    return t


class _LegacyMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, Tensor) and obj.dtype is cls._legacy_dtype


def _legacy(name, dt, printed):
    """The legacy class ``name``; ``printed``: what ``name([1, 2])`` prints."""
    return _LegacyMeta(name, (), {
        '__new__': lambda cls, *a, **k: _legacy_new(Tensor, dt, a, k),
        '_legacy_dtype': dt,
        '__doc__': (f'Legacy constructor: ``{name}(data)`` makes a {dt} tensor.\n\n'
                    f'    >>> ember.{name}([1, 2])\n    {printed}\n    ')})


FloatTensor = _legacy('FloatTensor', D.float32, 'tensor([1., 2.])')
DoubleTensor = _legacy('DoubleTensor', D.float64, 'tensor([1., 2.], dtype=torch.float64)')
HalfTensor = _legacy('HalfTensor', D.float16, 'tensor([1., 2.], dtype=torch.float16)')
LongTensor = _legacy('LongTensor', D.int64, 'tensor([1, 2])')
IntTensor = _legacy('IntTensor', D.int32, 'tensor([1, 2], dtype=torch.int32)')
ShortTensor = _legacy('ShortTensor', D.int16, 'tensor([1, 2], dtype=torch.int16)')
CharTensor = _legacy('CharTensor', D.int8, 'tensor([1, 2], dtype=torch.int8)')
ByteTensor = _legacy('ByteTensor', D.uint8, 'tensor([1, 2], dtype=torch.uint8)')
BoolTensor = _legacy('BoolTensor', D.bool, 'tensor([True, True])')

engine._make = _make
engine._Tensor = Tensor

"""dtype objects, the default dtype and PyTorch's type-promotion rules.

>>> import ember
>>> ember.promote_types(ember.int32, ember.float16)
torch.float16
"""
import numpy as np

__all__ = ['dtype', 'bool', 'uint8', 'int8', 'int16', 'int32', 'int64', 'float16', 'float32',
           'float64', 'bfloat16', 'half', 'float', 'double', 'short', 'int', 'long',
           'get_default_dtype', 'set_default_dtype', 'promote_types', 'result_type', 'can_cast',
           'finfo', 'iinfo']

_builtin_bool, _builtin_int, _builtin_float = bool, int, float


class dtype:
    """A tensor element type; prints like PyTorch's (``torch.float32``).

    >>> ember.float32.is_floating_point, ember.float32.itemsize
    (True, 4)
    """
    __slots__ = ('name', 'np', 'is_floating_point', 'is_signed', 'itemsize', 'category', 'rank')
    is_complex = False

    def __init__(self, name, np_dtype, category, rank):
        self.name = name
        self.np = np.dtype(np_dtype)
        self.category = category          # 0 bool, 1 integer, 2 floating
        self.rank = rank                  # order inside the category (for promotion)
        self.is_floating_point = category == 2
        self.is_signed = name not in ('bool', 'uint8')
        self.itemsize = self.np.itemsize

    def __repr__(self):
        return 'torch.' + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))

    def to_real(self):
        return self

    def to_complex(self):
        raise RuntimeError('ember does not support complex dtypes')


bool = dtype('bool', np.bool_, 0, 0)
uint8 = dtype('uint8', np.uint8, 1, 1)
int8 = dtype('int8', np.int8, 1, 0)
int16 = dtype('int16', np.int16, 1, 2)
int32 = dtype('int32', np.int32, 1, 3)
int64 = dtype('int64', np.int64, 1, 4)
float16 = dtype('float16', np.float16, 2, 0)
float32 = dtype('float32', np.float32, 2, 2)
float64 = dtype('float64', np.float64, 2, 3)


class UnavailableDtype:
    """A dtype whose optional package is missing (bfloat16 without ``ml_dtypes``): it prints
    as PyTorch's name, and using it raises an error naming the extra to install, so that
    ``dtype=ember.bfloat16`` never silently becomes the default dtype."""
    __slots__ = ('name', 'extra', 'package')

    def __init__(self, name, package, extra):
        self.name, self.package, self.extra = name, package, extra

    def __repr__(self):
        return 'torch.' + self.name

    def unavailable(self):
        return RuntimeError(f'{self.name} needs the optional {self.package} package: '
                            f'pip install "ember[{self.extra}]"')


try:                                    # bfloat16 needs the optional ml_dtypes extra
    import ml_dtypes as _ml
    bfloat16 = dtype('bfloat16', _ml.bfloat16, 2, 1)
except ImportError:                     # pragma: no cover - depends on the environment
    bfloat16 = UnavailableDtype('bfloat16', 'ml_dtypes', 'bfloat16')
HAS_BFLOAT16 = bfloat16.__class__ is dtype
half, float, double = float16, float32, float64
short, int, long = int16, int32, int64

ALL = [d for d in (bool, uint8, int8, int16, int32, int64, float16, bfloat16, float32, float64)
       if d.__class__ is dtype]
_BY_NP = {d.np: d for d in ALL}
_BY_NAME = {d.name: d for d in ALL}


# The backend (NumPy) dtypes of ember's floating dtypes. NumPy gives ml_dtypes' bfloat16
# kind 'V', so ``arr.dtype.kind == 'f'`` misses it: test ``arr.dtype in FLOATING`` instead
# (a frozenset lookup, cheaper than reading ``.kind``).
FLOATING = frozenset(d.np for d in ALL if d.is_floating_point)
# Floating dtypes narrower than float32 (float16, bfloat16): computed in float32, rounded once.
HALF_FLOATING = frozenset(d.np for d in ALL if d.is_floating_point and d.itemsize == 2)
# Integer and floating dtypes (what matrix products accept; bool is refused).
NUMERIC = frozenset(d.np for d in ALL if d.category)
BF16_NP = bfloat16.np if HAS_BFLOAT16 else None


def is_floating_np(np_dtype):
    """Whether a backend (NumPy/CuPy) dtype is one of ember's floating dtypes, bfloat16 included.

    >>> is_floating_np(np.dtype('float16')), is_floating_np(np.dtype('int64'))
    (True, False)
    """
    return np_dtype in FLOATING


def kind_of(np_dtype):
    """NumPy's one-letter kind of a backend dtype ('b', 'i', 'u', 'f'), with bfloat16 as 'f'.

    >>> kind_of(np.dtype('int8')), kind_of(bfloat16.np)
    ('i', 'f')
    """
    return 'f' if np_dtype in FLOATING else np_dtype.kind


def _by_name(name):
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype):
    """The ember dtype for a NumPy dtype; raises TypeError for unsupported ones.

    >>> from_numpy_dtype(np.dtype('float64'))
    torch.float64
    """
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        pass
    np_dtype = np.dtype(np_dtype)
    if np_dtype in _BY_NP:
        return _BY_NP[np_dtype]
    if np_dtype.kind == 'u' and np_dtype.itemsize > 1:
        raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported "
                        "types are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")
    raise TypeError(f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types "
                    "are: float64, float32, float16, int64, int32, int16, int8, uint8, and bool.")


def to_dtype(d):
    """Accept an ember dtype, a NumPy dtype, a Python type or a name; return an ember dtype."""
    if d.__class__ is dtype:
        return d
    if d.__class__ is UnavailableDtype:
        raise d.unavailable()
    if d is _builtin_float:
        return float64
    if d is _builtin_int:
        return int64
    if d is _builtin_bool:
        return bool
    if isinstance(d, str):
        key = d[6:] if d.startswith('torch.') else d
        aliases = {'float': 'float32', 'double': 'float64', 'half': 'float16', 'long': 'int64',
                   'int': 'int32', 'short': 'int16'}
        key = aliases.get(key, key)
        if key in _BY_NAME:
            return _BY_NAME[key]
    try:
        return from_numpy_dtype(np.dtype(d))
    except TypeError:
        raise TypeError(f'{d!r} is not a dtype ember understands') from None


_default = [float32]


def get_default_dtype():
    """The default floating-point dtype (``torch.float32`` unless changed).

    >>> ember.get_default_dtype()
    torch.float32
    """
    return _default[0]


def set_default_dtype(d):
    """Set the default floating-point dtype used for Python floats and new float tensors.

    >>> ember.set_default_dtype(ember.float64); ember.tensor([1.]).dtype
    torch.float64
    >>> ember.set_default_dtype(ember.float32)
    """
    d = to_dtype(d)
    if not d.is_floating_point:
        raise TypeError(f'only floating-point types are supported as the default type, got {d}')
    _default[0] = d


def promote_types(type1, type2):
    """The smallest dtype both ``type1`` and ``type2`` convert to without loss (PyTorch's table).

    >>> ember.promote_types(ember.uint8, ember.int8)
    torch.int16
    """
    a, b = to_dtype(type1), to_dtype(type2)
    if a is b:
        return a
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == 2:
        if {a.name, b.name} == {'float16', 'bfloat16'}:
            return float32
        return a if a.rank > b.rank else b
    # integers: uint8 mixes with signed types by widening
    if a is uint8 or b is uint8:
        other = b if a is uint8 else a
        return int16 if other is int8 else other
    return a if a.rank > b.rank else b


def _combine_categories(higher, lower):
    if higher is None:
        return lower
    if lower is None:
        return higher
    if higher.category == 2:
        return higher
    if higher is bool or lower.category == 2:
        return promote_types(higher, lower)
    return higher


def scalar_dtype(value):
    """The dtype a Python number takes part in promotion with (float -> default dtype)."""
    if value.__class__ is _builtin_bool or isinstance(value, np.bool_):
        return bool
    if isinstance(value, (_builtin_int, np.integer)):
        return int64
    if isinstance(value, (_builtin_float, np.floating)):
        return _default[0]
    raise TypeError(f'unsupported scalar type {type(value).__name__}')


def result_type(*operands):
    """The dtype of ``op(*operands)`` under PyTorch's rules: dimensioned tensors decide first,
    then 0-d tensors, then Python numbers, each only when of a higher category.

    >>> ember.result_type(ember.tensor([1, 2]), 2.5)
    torch.float32
    """
    dim_r = zero_r = wrapped_r = None
    for x in operands:
        data = getattr(x, '_data', None)
        if data is None:
            d = scalar_dtype(x)
            wrapped_r = d if wrapped_r is None else promote_types(wrapped_r, d)
        elif data.ndim:
            d = _BY_NP[data.dtype]
            dim_r = d if dim_r is None else promote_types(dim_r, d)
        else:
            d = _BY_NP[data.dtype]
            zero_r = d if zero_r is None else promote_types(zero_r, d)
    return _combine_categories(dim_r, _combine_categories(zero_r, wrapped_r))


def can_cast(from_, to):
    """Whether PyTorch allows casting ``from_`` to ``to`` in type promotion (no float->int,
    no non-bool->bool).

    >>> ember.can_cast(ember.float32, ember.int32)
    False
    """
    a, b = to_dtype(from_), to_dtype(to)
    return a.category <= b.category


class finfo:
    """Machine limits of a floating dtype, as ``torch.finfo``.

    >>> ember.finfo(ember.float32).eps
    1.1920928955078125e-07
    """

    def __init__(self, type=None):
        d = to_dtype(type) if type is not None else _default[0]
        if not d.is_floating_point:
            raise TypeError('torch.finfo() requires a floating point input type. Use torch.iinfo '
                            'to handle \'torch.finfo\'')
        info = _ml.finfo(d.np) if d is bfloat16 else np.finfo(d.np)
        self.bits = info.bits
        self.eps = _builtin_float(info.eps)
        self.max = _builtin_float(info.max)
        self.min = _builtin_float(info.min)
        self.tiny = self.smallest_normal = _builtin_float(info.tiny)
        self.resolution = 10.0 ** -info.precision
        self.dtype = d.name

    def __repr__(self):
        return (f'finfo(resolution={self.resolution:g}, min={self.min:g}, max={self.max:g}, '
                f'eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, dtype={self.dtype})')


class iinfo:
    """Limits of an integer dtype, as ``torch.iinfo``.

    >>> ember.iinfo(ember.int8).max
    127
    """

    def __init__(self, type):
        d = to_dtype(type)
        info = np.iinfo(d.np)
        self.bits, self.max, self.min, self.dtype = info.bits, _builtin_int(info.max), _builtin_int(info.min), d.name

    def __repr__(self):
        return f'iinfo(min={self.min}, max={self.max}, dtype={self.dtype})'

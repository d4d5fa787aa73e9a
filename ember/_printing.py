"""Tensor printing that reproduces PyTorch's ``repr`` output character for character.

The rules mirror ``torch/_tensor_str.py``: a single formatter is built for the
whole (possibly summarized) tensor to decide between integer, fixed-point and
scientific notation and to compute a common column width; the nested brackets,
line wrapping, ``...`` summarization and the trailing ``dtype=`` / ``device=`` /
``requires_grad=`` / ``grad_fn=`` suffixes follow the same layout rules.

Everything works on NumPy arrays and reaches the tensor object only through
duck typing (``_data``, ``dtype``, ``device``, ``requires_grad``, ``grad_fn``).
"""

import contextlib
import dataclasses
import math

import numpy as np
from ._dtype import FLOATING

__all__ = [
    "PRINT_OPTS",
    "set_printoptions",
    "get_printoptions",
    "printoptions",
    "tensor_repr",
    "parameter_repr",
]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()


def set_printoptions(
    precision=None,
    threshold=None,
    edgeitems=None,
    linewidth=None,
    profile=None,
    sci_mode=None,
):
    """Set options for printing tensors (same semantics as ``torch.set_printoptions``).

    Args:
        precision: digits after the decimal point for floats (default 4).
        threshold: number of elements above which the output is summarized (default 1000).
        edgeitems: items shown at the start and end of each summarized dimension (default 3).
        linewidth: characters per line used for wrapping (default 80).
        profile: ``'default'``, ``'short'`` or ``'full'``; explicit arguments override it.
        sci_mode: force (True) or forbid (False) scientific notation; ``None`` lets the
            formatter decide.  Like torch, every call resets it to the given value.

    Example::

        >>> set_printoptions(precision=2)
        >>> ember.tensor([1.12345])
        tensor([1.12])
        >>> set_printoptions(profile='default')
    """
    if profile is not None:
        if profile == "default":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80
        elif profile == "short":
            PRINT_OPTS.precision = 2
            PRINT_OPTS.threshold = 1000
            PRINT_OPTS.edgeitems = 2
            PRINT_OPTS.linewidth = 80
        elif profile == "full":
            PRINT_OPTS.precision = 4
            PRINT_OPTS.threshold = math.inf
            PRINT_OPTS.edgeitems = 3
            PRINT_OPTS.linewidth = 80

    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions():
    """Return the current print options as a dict usable as ``set_printoptions(**opts)``.

    Example::

        >>> get_printoptions()
        {'precision': 4, 'threshold': 1000, 'edgeitems': 3, 'linewidth': 80, 'sci_mode': None}
    """
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs):
    """Context manager that temporarily applies ``set_printoptions(**kwargs)``.

    Example::

        >>> with printoptions(precision=1):
        ...     print(ember.tensor([1.25]))
        tensor([1.2])
    """
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ---------------------------------------------------------------------------
# element formatting
# ---------------------------------------------------------------------------


def _extreme_values(vals):
    """The few values whose formatted strings can be the longest.

    For one sign, the length of ``'{:.Nf}'`` / ``'{:.0f}'`` grows monotonically
    with the magnitude, and the exponent of ``'{:.Ne}'`` is most extreme at the
    largest or smallest magnitude, so the widest string is always produced by
    the largest or smallest magnitude of each sign.  This avoids formatting
    every element of big tensors.
    """
    out = []
    for part in (vals[vals > 0], vals[vals < 0]):
        if part.size:
            out.append(float(part.min()))
            out.append(float(part.max()))
    return out


class _Formatter:
    def __init__(self, arr, floating):
        self.floating_dtype = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1

        flat = np.asarray(arr).reshape(-1)

        if not floating:
            if flat.size:
                if flat.dtype == np.bool_:
                    width = 4 if flat.all() else 5  # 'True' / 'False'
                else:
                    width = max(len(str(flat.max().item())), len(str(flat.min().item())))
                self.max_width = max(self.max_width, width)
            return

        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return

        vals64 = vals.astype(np.float64)
        abs_vals = np.abs(vals64)
        # Python floats: the ratio may overflow to inf without NumPy warnings
        nz_min = float(abs_vals.min())
        nz_max = float(abs_vals.max())

        self.int_mode = bool(np.all(vals == np.ceil(vals)))

        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = nz_max / nz_min > 1000.0 or nz_max > 1.0e8 or nz_min < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        precision = PRINT_OPTS.precision
        candidates = _extreme_values(vals64)
        if self.sci_mode:
            widths = [len(f"{v:.{precision}e}") for v in candidates]
        elif self.int_mode:
            # the trailing '.' marking a float is not part of the formatted number
            widths = [len(f"{v:.0f}") + 1 for v in candidates]
        else:
            widths = [len(f"{v:.{precision}f}") for v in candidates]
        self.max_width = max([self.max_width] + widths)

    def width(self):
        return self.max_width

    def format(self, value):
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{PRINT_OPTS.precision}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{PRINT_OPTS.precision}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


def _complex_str(value, formatter1, formatter2):
    real_str = formatter1.format(value.real)
    imag_str = (formatter2.format(value.imag) + "j").lstrip()
    # a sign already separates the parts (also covers +0.0 / -0.0)
    if imag_str[0] in "+-":
        return real_str + imag_str
    return real_str + "+" + imag_str


# ---------------------------------------------------------------------------
# layout
# ---------------------------------------------------------------------------


def _summarized_data(arr):
    """The elements visible in the summarized output (only their values matter)."""
    edge = PRINT_OPTS.edgeitems
    if arr.ndim == 0:
        return arr
    if not edge:
        # torch quirk: a 1-d ``cat(t[:0], t[-0:])`` is the whole vector, while
        # higher dimensional tensors summarize to nothing at all.
        if arr.ndim == 1:
            return arr
        return np.empty((0,) * arr.ndim, dtype=arr.dtype)
    for axis in range(arr.ndim):
        n = arr.shape[axis]
        if n > 2 * edge:
            idx = np.concatenate((np.arange(edge), np.arange(n - edge, n)))
            arr = np.take(arr, idx, axis=axis)
    return arr


def _scalar_str(arr, formatter1, formatter2=None):
    value = arr.item()
    if formatter2 is not None:
        return _complex_str(value, formatter1, formatter2)
    return formatter1.format(value)


def _vector_str(arr, indent, summarize, formatter1, formatter2=None):
    # width of one element plus the ', ' separator
    element_length = formatter1.width() + 2
    if formatter2 is not None:
        element_length += formatter2.width() + 1  # imaginary part and its 'j'

    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    if formatter2 is not None:

        def fmt(values):
            return [_complex_str(v, formatter1, formatter2) for v in values]

    else:

        def fmt(values):
            return [formatter1.format(v) for v in values]

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and arr.shape[0] > 2 * edge:
        data = fmt(arr[:edge].tolist()) + [" ..."] + fmt(arr[-edge:].tolist())
    else:
        data = fmt(arr.tolist())

    lines = [
        ", ".join(data[i : i + elements_per_line])
        for i in range(0, len(data), elements_per_line)
    ]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(arr, indent, summarize, formatter1, formatter2=None):
    dim = arr.ndim
    if dim == 0:
        return _scalar_str(arr, formatter1, formatter2)
    if dim == 1:
        return _vector_str(arr, indent, summarize, formatter1, formatter2)

    def sub(i):
        return _tensor_str_with_formatter(arr[i], indent + 1, summarize, formatter1, formatter2)

    edge = PRINT_OPTS.edgeitems
    n = arr.shape[0]
    if summarize and n > 2 * edge:
        slices = [sub(i) for i in range(edge)] + ["..."] + [sub(i) for i in range(n - edge, n)]
    else:
        slices = [sub(i) for i in range(n)]

    return "[" + ("," + "\n" * (dim - 1) + " " * (indent + 1)).join(slices) + "]"


def _tensor_str(arr, indent, floating):
    if arr.size == 0:
        return "[]"

    if floating and arr.dtype.kind not in "fc":
        # e.g. ml_dtypes.bfloat16 (kind 'V'): widening to float64 is exact
        arr = arr.astype(np.float64)

    summarize = arr.size > PRINT_OPTS.threshold
    visible = _summarized_data(arr) if summarize else arr

    if arr.dtype.kind == "c":
        real_formatter = _Formatter(visible.real, True)
        imag_formatter = _Formatter(visible.imag, True)
        return _tensor_str_with_formatter(arr, indent, summarize, real_formatter, imag_formatter)
    return _tensor_str_with_formatter(arr, indent, summarize, _Formatter(visible, floating))


def _add_suffixes(tensor_str, suffixes, indent, force_newline):
    parts = [tensor_str]
    # torch's arithmetic (rfind gives -1 without a newline); kept for identical wrapping
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    for suffix in suffixes:
        suffix_len = len(suffix)
        if force_newline or last_line_len + suffix_len + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + suffix_len
            force_newline = False
        else:
            parts.append(", " + suffix)
            last_line_len += suffix_len + 2
    parts.append(")")
    return "".join(parts)


# ---------------------------------------------------------------------------
# duck-typed tensor access
# ---------------------------------------------------------------------------


def _to_numpy(data):
    if isinstance(data, np.ndarray):
        return data
    if hasattr(data, "get") and not isinstance(data, dict):  # cupy array
        return np.asarray(data.get())
    return np.asarray(data)


def _dtype_name(dtype):
    name = getattr(dtype, "name", None)
    if isinstance(name, str):
        return name
    return str(dtype).rsplit(".", 1)[-1]


def _default_dtype_name():
    try:
        from ember._dtype import get_default_dtype

        return _dtype_name(get_default_dtype())
    except Exception:
        return "float32"


def _is_floating(dtype, arr):
    flag = getattr(dtype, "is_floating_point", None)
    if callable(flag):
        flag = flag()
    if flag is None:
        return arr.dtype in FLOATING
    return bool(flag)


def _grad_fn_name(t):
    grad_fn = getattr(t, "grad_fn", None)
    if grad_fn is None:
        return None
    name = getattr(grad_fn, "name", None)
    name = name() if callable(name) else type(grad_fn).__name__
    return name.rsplit("::", 1)[-1]


def tensor_repr(t, *, tensor_contents=None):
    """Return the ``repr``/``str`` of tensor ``t`` exactly as PyTorch prints it.

    ``t`` needs ``_data`` (NumPy or CuPy array), ``dtype``, ``device``,
    ``requires_grad`` and ``grad_fn``.  ``tensor_contents`` replaces the
    bracketed body while keeping the suffixes.

    Example::

        >>> tensor_repr(ember.tensor([1.0, 2.5], requires_grad=True))
        'tensor([1.0000, 2.5000], requires_grad=True)'
        >>> tensor_repr(ember.tensor([], dtype=ember.int32).reshape(0, 3))
        'tensor([], size=(0, 3), dtype=torch.int32)'
    """
    arr = _to_numpy(t._data)
    prefix = "tensor("
    indent = len(prefix)
    suffixes = []

    device = t.device
    device_type = getattr(device, "type", None) or str(device).split(":", 1)[0]
    if device_type != "cpu":
        suffixes.append("device='" + str(device) + "'")

    dtype = t.dtype
    dtype_name = _dtype_name(dtype)
    default_name = _default_dtype_name()
    default_complex = "complex128" if default_name == "float64" else "complex64"
    has_default_dtype = dtype_name in (default_name, default_complex, "int64", "bool")

    if arr.size == 0:
        # like NumPy, the shape is shown unless it is (0,)
        if arr.ndim != 1:
            suffixes.append("size=" + str(tuple(arr.shape)))
        # nothing to infer an integer dtype from, so only the default float is implicit
        if dtype_name != default_name:
            suffixes.append("dtype=" + str(dtype))
        tensor_str = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append("size=" + str(tuple(arr.shape)))
        if not has_default_dtype:
            suffixes.append("dtype=" + str(dtype))
        if tensor_contents is None:
            tensor_str = _tensor_str(arr, indent, _is_floating(dtype, arr))
    if tensor_contents is not None:
        tensor_str = tensor_contents

    grad_fn_name = _grad_fn_name(t)
    if grad_fn_name is not None:
        suffixes.append(f"grad_fn=<{grad_fn_name}>")
    elif getattr(t, "requires_grad", False):
        suffixes.append("requires_grad=True")

    return _add_suffixes(prefix + tensor_str, suffixes, indent, force_newline=False)


def parameter_repr(t):
    """Return the ``repr`` of a ``Parameter``: a header line followed by the tensor repr.

    Example::

        >>> print(parameter_repr(ember.nn.Parameter(ember.ones(2))))
        Parameter containing:
        tensor([1., 1.], requires_grad=True)
    """
    return "Parameter containing:\n" + tensor_repr(t)

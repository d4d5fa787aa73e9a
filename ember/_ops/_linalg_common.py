"""What the matrix-product modules and ember.linalg share: PyTorch's dtype names and error
messages (with a hint at the usual fix), argument checks, ``LinAlgError`` and the named tuples
the decompositions return.

>>> ember.mm(ember.ones(2, 3), ember.ones(2, 3))
Traceback (most recent call last):
RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3) (in mm: input [2, 3], ...
"""
import collections

import numpy as np

from ._base import Tensor, wrap, record, xp_of, check_same_device
from .arith import _write_out
from ._elementwise import quiet
from .. import _dtype as D
from .._dtype import FLOATING, NUMERIC

# C++ type names PyTorch prints in "expected m1 and m2 to have the same dtype" ...
_CNAME = {'float32': 'float', 'float64': 'double', 'float16': 'c10::Half',
          'bfloat16': 'c10::BFloat16', 'int64': 'long int', 'int32': 'int', 'int16': 'short int',
          'int8': 'signed char', 'uint8': 'unsigned char', 'bool': 'bool'}
# ... and the ScalarType names it prints elsewhere ("found Float and Double").
_TNAME = {'float32': 'Float', 'float64': 'Double', 'float16': 'Half', 'bfloat16': 'BFloat16',
          'int64': 'Long', 'int32': 'Int', 'int16': 'Short', 'int8': 'Char', 'uint8': 'Byte',
          'bool': 'Bool'}


def _tname(x):
    return _TNAME.get(str(x.dtype), str(x.dtype))


def _dims(shape):
    return 'x'.join(str(s) for s in shape)


def _desc(x):
    return f'{D._BY_NP[x.dtype] if x.dtype in D._BY_NP else x.dtype} {list(x.shape)}'


def _dtype_help(op, xa, xb):
    return (f' (in {op}: {_desc(xa)} and {_desc(xb)}). Both operands of a matrix product must '
            "have the same dtype. The usual cause is NumPy's float64 default "
            '(torch.from_numpy(arr) and torch.tensor(arr) keep float64) or integer data; convert '
            'with .float() (or create the tensor with dtype=torch.float32).')


def _shape_help(op, xa, xb):
    return (f' (in {op}: input {list(xa.shape)}, other {list(xb.shape)}; the last dim of the '
            'first operand must equal the first (1-D) or second-to-last dim of the second. A '
            "Linear layer whose in_features doesn't match the input's last dim fails like this: "
            'flatten the input or fix in_features.)')


def _check_tensor(x, op, arg, pos):
    if not isinstance(x, Tensor):
        raise TypeError(f"{op}(): argument '{arg}' (position {pos}) must be Tensor, not "
                        f'{type(x).__name__}')


def _operands(a, b, op, names=('input', 'other'), pos=1):
    """The arrays of two Tensor arguments of ``op`` (at positions ``pos``, ``pos + 1``)."""
    if not (isinstance(a, Tensor) and isinstance(b, Tensor)):
        _check_tensor(a, op, names[0], pos)
        _check_tensor(b, op, names[1], pos + 1)
    return a._data, b._data


def _result(res, out, name, backward, inputs, saved=None, ctx=None, save_output=False):
    """``res`` copied into the ``out=`` tensor if one is given, else recorded for autograd."""
    if out is not None:
        return _write_out(out, res)
    return record(res, name, backward, inputs, saved, ctx, save_output)


def _check_kind(xa, xb, what):
    """Bool (and other non-numeric) products are not implemented in PyTorch."""
    for x in (xa, xb):
        if x.dtype not in NUMERIC:
            raise NotImplementedError(f'"{what}" not implemented for \'{_tname(x)}\'')


_F16 = np.dtype(np.float16)
_F32 = np.dtype(np.float32)


def gemm(xa, xb):
    """``xa @ xb`` in the operands' dtype. NumPy's bfloat16 product returns float32 (it
    accumulates in float32, as PyTorch's CPU GEMM): round that once to bfloat16. NumPy's
    float16 product has no BLAS and is ~20x slower than computing in float32 and rounding
    once, which is also what PyTorch's CPU GEMM does."""
    if xa.dtype is _F16:
        return (xa.astype(_F32) @ xb.astype(_F32)).astype(_F16)
    try:
        r = xa @ xb
    except RuntimeWarning:      # inf * 0 with warnings as errors: see _elementwise.quiet
        r = quiet(np.matmul, xa, xb)
    return r if r.dtype is xa.dtype else r.astype(xa.dtype)


def _same_device(xa, xb, op):
    if xa.__class__ is not xb.__class__:
        check_same_device(xa, xb, op)


# ---- PyTorch's error messages for matrix products ----------------------------------------
def _mm_errors(m1, m2, d1, d2, op, xa, xb):
    """Shape, then dtype checks of at::mm on the (possibly folded) operands."""
    if m1[1] != m2[0]:
        raise RuntimeError(f'mat1 and mat2 shapes cannot be multiplied ({_dims(m1)} and '
                           f'{_dims(m2)})' + _shape_help(op, xa, xb))
    if d1 != d2:
        raise RuntimeError(f'expected m1 and m2 to have the same dtype, but got: '
                           f'{_CNAME.get(str(d1), d1)} != {_CNAME.get(str(d2), d2)}'
                           + _dtype_help(op, xa, xb))


def _mv_errors(mat, vec, dmat, dvec, op, xa, xb):
    if mat[1] != vec[0]:
        raise RuntimeError(f'size mismatch, got input ({mat[0]}), mat ({_dims(mat)}), vec '
                           f'({vec[0]})' + _shape_help(op, xa, xb))
    if dmat != dvec:
        v, m = _TNAME.get(str(dvec)), _TNAME.get(str(dmat))
        raise RuntimeError(f'addmv input tensors must have the same dtype, but got {v}, {m}, and '
                           f'{v}' + _dtype_help(op, xa, xb))


def _dot_errors(xa, xb, op):
    if xa.dtype != xb.dtype:
        raise RuntimeError(f'dot : expected both vectors to have same dtype, but found '
                           f'{_tname(xa)} and {_tname(xb)}' + _dtype_help(op, xa, xb))
    if xa.shape[0] != xb.shape[0]:
        raise RuntimeError(f'inconsistent tensor size, expected tensor [{xa.shape[0]}] and src '
                           f'[{xb.shape[0]}] to have the same number of elements, but got '
                           f'{xa.shape[0]} and {xb.shape[0]} elements respectively')


def _bmm_errors(s1, s2, d1, d2, op, xa, xb):
    if s2[0] != s1[0] or s2[1] != s1[2]:
        raise RuntimeError(f'Expected size for first two dimensions of batch2 tensor to be: '
                           f'[{s1[0]}, {s1[2]}] but got: [{s2[0]}, {s2[1]}].'
                           + _shape_help(op, xa, xb))
    if d1 != d2:
        raise RuntimeError(f'expected scalar type {_TNAME.get(str(d1))} but found '
                           f'{_TNAME.get(str(d2))}' + _dtype_help(op, xa, xb))


def _broadcast_error(s1, s2):
    """PyTorch's infer_size message for two shapes that do not broadcast."""
    n = max(len(s1), len(s2))
    for i in range(n - 1, -1, -1):
        a = s1[i - n + len(s1)] if i - n + len(s1) >= 0 else 1
        b = s2[i - n + len(s2)] if i - n + len(s2) >= 0 else 1
        if a != b and a != 1 and b != 1:
            raise RuntimeError(f'The size of tensor a ({a}) must match the size of tensor b ({b}) '
                               f'at non-singleton dimension {i}')


# ---- ember.linalg: errors and named tuples ----------------------------------------------------
def _return_type(name, fields, module, qualname=None):
    """A named tuple printing like PyTorch's ``torch.return_types.<name>``; ``module`` and
    ``qualname`` say where it is defined (so that it pickles)."""
    base = collections.namedtuple(name, fields)

    def __repr__(self):
        body = ',\n'.join(f'{f}={v!r}' for f, v in zip(self._fields, self))
        return f'torch.return_types.{name}(\n{body})'
    return type(name, (base,), {'__slots__': (), '__repr__': __repr__, '__module__': module,
                                '__qualname__': qualname or name})


class LinAlgError(RuntimeError):
    """A linear-algebra routine failed (singular matrix, not positive-definite, ...)."""


# ember.linalg re-exports these: that is where users (and pickle) find them
_PUBLIC = 'ember.linalg'
LinAlgError.__module__ = _PUBLIC
linalg_eigh = _return_type('linalg_eigh', ('eigenvalues', 'eigenvectors'), _PUBLIC)
linalg_svd = _return_type('linalg_svd', ('U', 'S', 'Vh'), _PUBLIC)
svd_type = _return_type('svd', ('U', 'S', 'V'), _PUBLIC, 'svd_type')
linalg_qr = _return_type('linalg_qr', ('Q', 'R'), _PUBLIC)
qr_type = _return_type('qr', ('Q', 'R'), _PUBLIC, 'qr_type')
linalg_slogdet = _return_type('linalg_slogdet', ('sign', 'logabsdet'), _PUBLIC)
slogdet_type = _return_type('slogdet', ('sign', 'logabsdet'), _PUBLIC, 'slogdet_type')
linalg_inv_ex = _return_type('linalg_inv_ex', ('inverse', 'info'), _PUBLIC)
linalg_cholesky_ex = _return_type('linalg_cholesky_ex', ('L', 'info'), _PUBLIC)
linalg_solve_ex = _return_type('linalg_solve_ex', ('result', 'info'), _PUBLIC)
linalg_lstsq = _return_type('linalg_lstsq', ('solution', 'residuals', 'rank',
                                             'singular_values'), _PUBLIC)


# ---- argument checks -----------------------------------------------------------------------
def _matrix(A, op):
    if not isinstance(A, Tensor):
        raise TypeError(f"{op}(): argument 'A' (position 1) must be Tensor, not "
                        f'{type(A).__name__}')
    x = A._data
    if x.ndim < 2:
        raise RuntimeError(f'{op}: The input tensor A must have at least 2 dimensions.')
    return x


def _float(x, op):
    if x.dtype not in FLOATING:
        raise RuntimeError(f'{op}: Expected a floating point or complex tensor as input. Got '
                           f'{_tname(x)} (convert with .float())')
    if x.dtype.itemsize < 4:
        raise RuntimeError(f'{op}: Low precision dtypes not supported. Got {_tname(x)} '
                           '(convert with .float())')
    return x


def _square_matrix(A, op):
    x = _matrix(A, op)
    if x.shape[-1] != x.shape[-2]:
        raise RuntimeError(f'{op}: A must be batches of square matrices, but they are '
                           f'{x.shape[-2]} by {x.shape[-1]} matrices')
    return x


def _square(A, op):
    """The array of a (batch of) square float32/float64 matrices, else PyTorch's error."""
    return _float(_square_matrix(A, op), op)


def _batch_prefix(x, index):
    if x.ndim <= 2:
        return ''
    return f'(Batch element {index}): '


def _first_bad(x, bad):
    """Flat index of the first batch element for which ``bad(matrix)`` holds."""
    flat = x.reshape((-1,) + x.shape[-2:])
    for i in range(flat.shape[0]):
        k = bad(np.asarray(flat[i]))
        if k:
            return i, k
    return 0, 1


def _infos(x, bad):
    """The int32 ``info`` of each matrix of a batch (what ``bad(matrix)`` returns)."""
    flat = x.reshape((-1,) + x.shape[-2:])
    return xp_of(x).asarray([bad(np.asarray(m)) for m in flat],
                            dtype=np.int32).reshape(x.shape[:-2])


def _eye(n, m, like):
    """An identity matrix with ``like``'s dtype and device (for backward formulas)."""
    x = like._data
    return wrap(xp_of(x).eye(n, m, dtype=x.dtype))

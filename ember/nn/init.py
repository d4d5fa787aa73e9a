"""``ember.nn.init``: fill a tensor in place with values drawn as PyTorch draws them.

Every function runs under ``no_grad``, returns the tensor it was given, and consumes the random
stream exactly as ``torch.nn.init`` does, so after ``ember.manual_seed(s)`` the values are
PyTorch's, bit for bit.

>>> w = ember.empty(2, 3)
>>> ember.nn.init.ones_(w)
tensor([[1., 1., 1.],
        [1., 1., 1.]])
"""
import math
import warnings

from ..autograd.grad_mode import no_grad

__all__ = ['calculate_gain', 'uniform_', 'normal_', 'trunc_normal_', 'constant_', 'ones_',
           'zeros_', 'eye_', 'dirac_', 'xavier_uniform_', 'xavier_normal_', 'kaiming_uniform_',
           'kaiming_normal_', 'orthogonal_', 'sparse_', 'uniform', 'normal', 'constant', 'eye',
           'dirac', 'xavier_uniform', 'xavier_normal', 'kaiming_uniform', 'kaiming_normal',
           'orthogonal', 'sparse']

_LINEAR_FNS = ('linear', 'conv1d', 'conv2d', 'conv3d', 'conv_transpose1d', 'conv_transpose2d',
               'conv_transpose3d')


def _ember():
    import ember
    return ember


def _no_grad_uniform_(tensor, a, b, generator=None):
    with no_grad():
        return tensor.uniform_(a, b, generator=generator)


def _no_grad_normal_(tensor, mean, std, generator=None):
    with no_grad():
        return tensor.normal_(mean, std, generator=generator)


def calculate_gain(nonlinearity, param=None):
    """The recommended gain for a nonlinearity (``param`` is leaky_relu's negative slope).

    ``linear``/``conv*``/``sigmoid``: 1, ``tanh``: 5/3, ``relu``: sqrt(2),
    ``leaky_relu``: sqrt(2 / (1 + slope**2)), ``selu``: 3/4.

    >>> ember.nn.init.calculate_gain('tanh')
    1.6666666666666667
    >>> ember.nn.init.calculate_gain('leaky_relu', 0.2)
    1.3867504905630728
    """
    if nonlinearity in _LINEAR_FNS or nonlinearity == 'sigmoid':
        return 1
    if nonlinearity == 'tanh':
        return 5.0 / 3
    if nonlinearity == 'relu':
        return math.sqrt(2.0)
    if nonlinearity == 'leaky_relu':
        if param is None:
            negative_slope = 0.01
        elif (not isinstance(param, bool) and isinstance(param, int)) or isinstance(param, float):
            negative_slope = param
        else:
            raise ValueError(f'negative_slope {param} not a valid number '
                             f'(pass an int or float, got {type(param).__name__})')
        return math.sqrt(2.0 / (1 + negative_slope ** 2))
    if nonlinearity == 'selu':
        return 3.0 / 4
    raise ValueError(f'Unsupported nonlinearity {nonlinearity}. Supported: '
                     f'{", ".join(_LINEAR_FNS)}, sigmoid, tanh, relu, leaky_relu, selu')


def uniform_(tensor, a=0.0, b=1.0, generator=None):
    """Fill ``tensor`` with values drawn from U(a, b).

    >>> _ = ember.manual_seed(0); ember.nn.init.uniform_(ember.empty(3))
    tensor([0.4963, 0.7682, 0.0885])
    """
    return _no_grad_uniform_(tensor, a, b, generator)


def normal_(tensor, mean=0.0, std=1.0, generator=None):
    """Fill ``tensor`` with values drawn from N(mean, std**2).

    >>> _ = ember.manual_seed(0); ember.nn.init.normal_(ember.empty(3))
    tensor([ 1.5410, -0.2934, -2.1788])
    """
    return _no_grad_normal_(tensor, mean, std, generator)


def _scalar_in_dtype(value, tensor):
    """``value`` rounded to the tensor's dtype, back as a Python number (as ``new_tensor.item``)."""
    return _ember().tensor(value, dtype=tensor.dtype).item()


def _half_log_density(x, mean, std, log_peak):
    # candidates.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak), in place on x
    return x.sub_(mean).div_(std).pow_(2).mul_(-0.5).sub_(log_peak)


def trunc_normal_(tensor, mean=0.0, std=1.0, a=-2.0, b=2.0, generator=None):
    """Fill ``tensor`` from N(mean, std**2) truncated to ``[a, b]``.

    As PyTorch 2.13: when the interval keeps more than 30% of the mass, draw normals and redraw
    (a whole fresh tensor each round) where a value fell outside; otherwise sample uniformly in
    ``[a, b]`` and accept by the density ratio.

    >>> _ = ember.manual_seed(0); t = ember.nn.init.trunc_normal_(ember.empty(100), std=0.5)
    >>> bool((t.abs() <= 2).all())
    True
    """
    if getattr(tensor, 'is_meta', False):
        return tensor

    def norm_cdf(x):
        return (1.0 + math.erf(x / math.sqrt(2.0))) / 2.0

    if (mean < a - 2 * std) or (mean > b + 2 * std):
        warnings.warn('mean is more than 2 std from [a, b] in nn.init.trunc_normal_. '
                      'The distribution of values may be incorrect.', stacklevel=2)
    E = _ember()
    with no_grad():
        p = norm_cdf((b - mean) / std) - norm_cdf((a - mean) / std)
        if p > 0.3:
            lo = _scalar_in_dtype(a, tensor)
            hi = _scalar_in_dtype(b, tensor)
            result = tensor.normal_(mean, std, generator=generator)
            while True:
                mask = (result < lo) | (result > hi)
                if not mask.any():
                    break
                fresh = E.empty_like(result).normal_(mean, std, generator=generator)
                result = E.where(mask, fresh, result)
            if tensor is not result:
                tensor.copy_(result)
        else:
            mode = max(a, min(mean, b))
            log_peak = -0.5 * ((mode - mean) / std) ** 2
            candidates = E.empty_like(tensor)
            accept_buf = E.empty_like(tensor)
            tensor.uniform_(a, b, generator=generator)
            candidates.copy_(tensor)
            _half_log_density(candidates, mean, std, log_peak)
            pending = accept_buf.uniform_(generator=generator).log_().gt(candidates)
            if pending.any():
                result = tensor
                while True:
                    candidates.uniform_(a, b, generator=generator)
                    result = E.where(pending, candidates, result)
                    _half_log_density(candidates, mean, std, log_peak)
                    accepted = accept_buf.uniform_(generator=generator).log_().gt(candidates)
                    pending = E.where(pending, accepted, pending)
                    if not pending.any():
                        break
                tensor.copy_(result)
        return tensor


def constant_(tensor, val):
    """Fill ``tensor`` with ``val``.

    >>> ember.nn.init.constant_(ember.empty(2), 0.3)
    tensor([0.3000, 0.3000])
    """
    with no_grad():
        return tensor.fill_(val)


def ones_(tensor):
    """Fill ``tensor`` with ones.

    >>> ember.nn.init.ones_(ember.empty(2))
    tensor([1., 1.])
    """
    with no_grad():
        return tensor.fill_(1.0)


def zeros_(tensor):
    """Fill ``tensor`` with zeros.

    >>> ember.nn.init.zeros_(ember.empty(2))
    tensor([0., 0.])
    """
    with no_grad():
        return tensor.zero_()


def eye_(tensor):
    """Fill the 2-D ``tensor`` with the identity matrix (ones on the main diagonal).

    >>> ember.nn.init.eye_(ember.empty(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    if tensor.ndimension() != 2:
        raise ValueError('Only tensors with 2 dimensions are supported '
                         f'(got a {tensor.ndimension()}-D tensor of shape {tuple(tensor.shape)})')
    with no_grad():
        tensor.zero_()
        n = min(tensor.shape)
        if n:
            idx = _ember().arange(n)
            tensor[idx, idx] = 1
    return tensor


def dirac_(tensor, groups=1):
    """Fill a 3-, 4- or 5-D conv weight with the Dirac delta (identity convolution per group).

    >>> ember.nn.init.dirac_(ember.empty(2, 2, 3))
    tensor([[[0., 1., 0.],
             [0., 0., 0.]],
    <BLANKLINE>
            [[0., 0., 0.],
             [0., 1., 0.]]])
    """
    dimensions = tensor.ndimension()
    if dimensions not in (3, 4, 5):
        raise ValueError('Only tensors with 3, 4, or 5 dimensions are supported '
                         f'(got a {dimensions}-D tensor of shape {tuple(tensor.shape)})')
    sizes = tensor.size()
    if sizes[0] % groups != 0:
        raise ValueError(f'dim 0 must be divisible by groups (dim 0 is {sizes[0]}, '
                         f'groups={groups})')
    if getattr(tensor, 'is_meta', False):
        return tensor
    per_group = sizes[0] // groups
    min_dim = min(per_group, sizes[1])
    with no_grad():
        tensor.zero_()
        if min_dim and groups:
            E = _ember()
            d = list(range(min_dim))
            out_idx = [g * per_group + k for g in range(groups) for k in d]
            in_idx = d * groups
            centre = tuple(s // 2 for s in sizes[2:])
            index = (E.tensor(out_idx), E.tensor(in_idx)) + centre
            tensor[index] = 1
    return tensor


def _calculate_fan_in_and_fan_out(tensor):
    dimensions = tensor.dim()
    if dimensions < 2:
        raise ValueError('Fan in and fan out can not be computed for tensor with fewer than '
                         f'2 dimensions (got shape {tuple(tensor.shape)}; these initializers are '
                         'meant for weights, use uniform_/normal_/zeros_ for a bias)')
    num_input_fmaps = tensor.size(1)
    num_output_fmaps = tensor.size(0)
    receptive_field_size = 1
    for s in tensor.shape[2:]:
        receptive_field_size *= s
    return num_input_fmaps * receptive_field_size, num_output_fmaps * receptive_field_size


def _calculate_correct_fan(tensor, mode):
    mode = mode.lower()
    valid_modes = ['fan_in', 'fan_out']
    if mode not in valid_modes:
        raise ValueError(f'Mode {mode} not supported, please use one of {valid_modes}')
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == 'fan_in' else fan_out


def xavier_uniform_(tensor, gain=1.0, generator=None):
    """Glorot uniform: U(-b, b) with ``b = gain * sqrt(6 / (fan_in + fan_out))``.

    >>> _ = ember.manual_seed(0); ember.nn.init.xavier_uniform_(ember.empty(1, 2))
    tensor([[-0.0106,  0.7586]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    a = math.sqrt(3.0) * std
    return _no_grad_uniform_(tensor, -a, a, generator)


def xavier_normal_(tensor, gain=1.0, generator=None):
    """Glorot normal: N(0, std**2) with ``std = gain * sqrt(2 / (fan_in + fan_out))``.

    >>> _ = ember.manual_seed(0); ember.nn.init.xavier_normal_(ember.empty(1, 2))
    tensor([[ 1.2582, -0.2396]])
    """
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    std = gain * math.sqrt(2.0 / float(fan_in + fan_out))
    return _no_grad_normal_(tensor, 0.0, std, generator)


def _kaiming_std(tensor, a, mode, nonlinearity):
    fan = _calculate_correct_fan(tensor, mode)
    gain = calculate_gain(nonlinearity, a)
    return gain / math.sqrt(fan)


def kaiming_uniform_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """He uniform: U(-b, b) with ``b = gain * sqrt(3 / fan)``.

    ``a`` is the negative slope used for ``leaky_relu``; ``mode`` picks ``fan_in`` or ``fan_out``.

    >>> _ = ember.manual_seed(0)
    >>> ember.nn.init.kaiming_uniform_(ember.empty(1, 2), nonlinearity='relu')
    tensor([[-0.0130,  0.9291]])
    """
    if 0 in tuple(tensor.shape):
        warnings.warn('Initializing zero-element tensors is a no-op', stacklevel=2)
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    bound = math.sqrt(3.0) * std
    with no_grad():
        return tensor.uniform_(-bound, bound, generator=generator)


def kaiming_normal_(tensor, a=0, mode='fan_in', nonlinearity='leaky_relu', generator=None):
    """He normal: N(0, std**2) with ``std = gain / sqrt(fan)``.

    >>> _ = ember.manual_seed(0)
    >>> ember.nn.init.kaiming_normal_(ember.empty(1, 2), mode='fan_out')
    tensor([[ 2.1793, -0.4150]])
    """
    if 0 in tuple(tensor.shape):
        warnings.warn('Initializing zero-element tensors is a no-op', stacklevel=2)
        return tensor
    std = _kaiming_std(tensor, a, mode, nonlinearity)
    with no_grad():
        return tensor.normal_(0, std, generator=generator)


def orthogonal_(tensor, gain=1, generator=None):
    """Fill ``tensor`` (>= 2-D, flattened to rows x rest) with a (semi-)orthogonal matrix.

    Draws a standard normal matrix, takes its QR decomposition (of the transpose when there are
    fewer rows than columns) and fixes the signs by ``sign(diag(R))``, as PyTorch does.

    >>> _ = ember.manual_seed(0); q = ember.nn.init.orthogonal_(ember.empty(3, 3))
    >>> bool(ember.allclose(q @ q.T, ember.eye(3), atol=1e-6))
    True
    """
    if tensor.ndimension() < 2:
        raise ValueError('Only tensors with 2 or more dimensions are supported '
                         f'(got shape {tuple(tensor.shape)})')
    if tensor.numel() == 0 or getattr(tensor, 'is_meta', False):
        return tensor
    E = _ember()
    rows = tensor.size(0)
    cols = tensor.numel() // rows
    with no_grad():
        flattened = tensor.new_empty((rows, cols)).normal_(0, 1, generator=generator)
        if rows < cols:
            flattened = flattened.t()
        q, r = E.linalg.qr(flattened)
        q = q * E.diag(r, 0).sign()
        if rows < cols:
            q = q.t()
        tensor.view_as(q).copy_(q)
        tensor.mul_(gain)
    return tensor


def sparse_(tensor, sparsity, std=0.01, generator=None):
    """Fill the 2-D ``tensor`` from N(0, std**2), then zero ``ceil(sparsity * rows)`` entries of
    every column (rows picked by ``randperm`` on the default generator, as PyTorch does).

    >>> _ = ember.manual_seed(0); w = ember.nn.init.sparse_(ember.empty(4, 3), sparsity=0.5)
    >>> (w == 0).sum(0)
    tensor([2, 2, 2])
    """
    if tensor.ndimension() != 2:
        raise ValueError('Only tensors with 2 dimensions are supported '
                         f'(got shape {tuple(tensor.shape)})')
    if getattr(tensor, 'is_meta', False):
        return tensor
    E = _ember()
    rows, cols = tensor.shape
    num_zeros = math.ceil(sparsity * rows)
    with no_grad():
        tensor.normal_(0, std, generator=generator)
        for col_idx in range(cols):
            zero_indices = E.randperm(rows)[:num_zeros]
            tensor[zero_indices, col_idx] = 0
    return tensor


def _make_deprecate(meth, shape='3, 3', extra=''):
    """The deprecated name of ``meth`` (without the ``_``); ``shape`` and ``extra`` (more
    arguments) make its example."""
    new_name = meth.__name__
    old_name = new_name[:-1]

    def deprecated_init(*args, **kwargs):
        warnings.warn(f'`nn.init.{old_name}` is now deprecated in favor of '
                      f'`nn.init.{new_name}`.', FutureWarning, stacklevel=2)
        return meth(*args, **kwargs)

    deprecated_init.__doc__ = (f'Deprecated alias of :func:`{new_name}` (warns FutureWarning).\n\n'
                               f'    See ``ember.nn.init.{new_name}``; it fills the tensor in place '
                               f'and returns it.\n\n'
                               f'    >>> t = ember.empty({shape})\n'
                               f'    >>> ember.nn.init.{old_name}(t{extra}) is t\n    True\n    ')
    deprecated_init.__name__ = old_name
    deprecated_init.__qualname__ = old_name
    return deprecated_init


uniform = _make_deprecate(uniform_)
normal = _make_deprecate(normal_)
constant = _make_deprecate(constant_, extra=', 0.5')
eye = _make_deprecate(eye_)
dirac = _make_deprecate(dirac_, '2, 2, 1')
xavier_uniform = _make_deprecate(xavier_uniform_)
xavier_normal = _make_deprecate(xavier_normal_)
kaiming_uniform = _make_deprecate(kaiming_uniform_)
kaiming_normal = _make_deprecate(kaiming_normal_)
orthogonal = _make_deprecate(orthogonal_)
sparse = _make_deprecate(sparse_, extra=', 0.5')


"""Oracle entries: normalization functionals (ember/_ops/nn_norm.py).

batch_norm / instance_norm entries return ``(output, running_mean, running_var)`` so the
in-place update of the running statistics is compared too (those outputs carry no gradient:
``nondiff_outputs``). Running statistics never require grad (``Sample.grad``). Evaluation-mode
samples without a weight live in entries without the second-order check: there PyTorch's
input gradient is recorded although it is constant, ember's is not (both give no
second-order gradient).
"""
from .harness import Op, Sample, arr

FLOATS = ('float32', 'float64')


def _F(name):
    return lambda lib, *a, **k: getattr(lib.nn.functional, name)(*a, **k)


def _stats(rng, c, dt):
    return arr(rng, (c,), dt), arr(rng, (c,), dt, low=0.5, high=2.0)


# ---- batch norm --------------------------------------------------------------------------------
def _bn_call(lib, x, rm, rv, w, b, **k):
    return lib.nn.functional.batch_norm(x, rm, rv, w, b, **k), rm, rv


def _bn_samples(rng, dt):
    out = []
    for shape in ((4, 3), (2, 3, 5), (3, 2, 4, 4), (2, 2, 2, 2, 3), (1, 3, 4)):
        c = shape[1]
        rm, rv = _stats(rng, c, dt)
        w, b = arr(rng, (c,), dt), arr(rng, (c,), dt)
        x = arr(rng, shape, dt, low=-3, high=4)
        out.append(Sample((x, rm, rv, w, b), dict(training=True), grad=(0, 3, 4),
                          desc=f'train{shape}'))
        out.append(Sample((x, rm, rv, w, b), dict(training=False), grad=(0, 3, 4),
                          desc=f'eval{shape}'))
    rm, rv = _stats(rng, 3, dt)
    x = arr(rng, (5, 3, 2), dt, noncontig=True)
    out += [
        Sample((x, rm, rv, None, None), dict(training=True, momentum=0.3, eps=1e-3), grad=(0,),
               desc='noaffine-momentum'),
        Sample((x, None, None, arr(rng, (3,), dt), None), dict(training=True), grad=(0, 3),
               desc='nostats-weight-only'),
        Sample((arr(rng, (6, 2), dt, low=5, high=7), rm[:2], rv[:2], arr(rng, (2,), dt),
                arr(rng, (2,), dt)), dict(training=True, momentum=1.0), grad=(0, 3, 4),
               desc='offset-momentum1'),
        Sample((arr(rng, (0, 3), dt), rm, rv, arr(rng, (3,), dt), arr(rng, (3,), dt)),
               dict(training=True), grad=(0, 3, 4), desc='empty-batch'),
        Sample((arr(rng, (2, 3, 0), dt), rm, rv, arr(rng, (3,), dt), arr(rng, (3,), dt)),
               dict(training=False), grad=(0, 3, 4), desc='empty-length'),
    ]
    return out


def _bn_no_gradgrad(rng, dt):
    # PyTorch's double backward fails for a bias without a weight
    rm, rv = _stats(rng, 3, dt)
    return [Sample((arr(rng, (4, 3, 2), dt), rm, rv, None, None), dict(training=False),
                   grad=(0,), desc='eval-noaffine'),
            Sample((arr(rng, (4, 3, 2), dt), None, None, None, arr(rng, (3,), dt)),
                   dict(training=True), grad=(0, 4), desc='nostats-bias-only')]


def _bn_top(rng, dt):
    rm, rv = _stats(rng, 3, dt)
    w, b = arr(rng, (3,), dt), arr(rng, (3,), dt)
    x = arr(rng, (4, 3, 2), dt)
    return [Sample((x, w, b, rm, rv, True, 0.2, 1e-5, False), grad=(0, 1, 2), desc='train'),
            Sample((x, w, b, rm, rv, False, 0.2, 1e-5, False), grad=(0, 1, 2), desc='eval'),
            Sample((x, None, None, None, None, True, 0.1, 1e-5, True), grad=(0,),
                   desc='plain')]


def _bn_top_call(lib, x, w, b, rm, rv, *a):
    return lib.batch_norm(x, w, b, rm, rv, *a), rm, rv


def _native_bn_call(lib, x, w, b, rm, rv, training, momentum, eps, cudnn):
    return lib.native_batch_norm(x, w, b, rm, rv, training, momentum, eps) + (rm, rv)


# ---- instance norm -----------------------------------------------------------------------------
def _in_call(lib, x, rm, rv, w, b, **k):
    return lib.nn.functional.instance_norm(x, rm, rv, w, b, **k), rm, rv


def _in_samples(rng, dt):
    out = []
    for shape in ((2, 3, 5), (3, 2, 3, 4), (1, 2, 2, 2, 3)):
        c = shape[1]
        rm, rv = _stats(rng, c, dt)
        w, b = arr(rng, (c,), dt), arr(rng, (c,), dt)
        x = arr(rng, shape, dt, low=-3, high=4)
        out.append(Sample((x, None, None, w, b), desc=f'affine{shape}', grad=(0, 3, 4)))
        out.append(Sample((x, rm, rv, w, b), dict(momentum=0.2), grad=(0, 3, 4),
                          desc=f'running{shape}'))
        out.append(Sample((x, rm, rv, w, b), dict(use_input_stats=False), grad=(0, 3, 4),
                          desc=f'eval{shape}'))
    out.append(Sample((arr(rng, (2, 3, 4), dt), None, None, None, None), grad=(0,),
                      desc='plain'))
    return out


def _in_top(rng, dt):
    rm, rv = _stats(rng, 3, dt)
    w, b = arr(rng, (3,), dt), arr(rng, (3,), dt)
    x = arr(rng, (2, 3, 4), dt)
    return [Sample((x, w, b, rm, rv, True, 0.1, 1e-5, False), grad=(0, 1, 2), desc='stats'),
            Sample((x, w, b, rm, rv, False, 0.1, 1e-5, False), grad=(0, 1, 2), desc='eval')]


def _in_top_call(lib, x, w, b, rm, rv, *a):
    return lib.instance_norm(x, w, b, rm, rv, *a), rm, rv


# ---- layer / group / rms norm -----------------------------------------------------------------
def _ln_samples(rng, dt):
    return [
        Sample((arr(rng, (4, 5), dt), (5,), arr(rng, (5,), dt), arr(rng, (5,), dt)),
               desc='2d'),
        Sample((arr(rng, (2, 3, 4), dt, noncontig=True), (3, 4), arr(rng, (3, 4), dt),
                arr(rng, (3, 4), dt)), desc='2-dims-noncontig'),
        Sample((arr(rng, (2, 3, 4), dt), [4]), desc='noaffine'),
        Sample((arr(rng, (3, 4), dt), (4,), arr(rng, (4,), dt)), desc='weight-only'),
        Sample((arr(rng, (6,), dt, low=10, high=11), (6,), None, None, 1e-3), desc='1d-eps'),
        Sample((arr(rng, (2, 3, 4), dt), (2, 3, 4), arr(rng, (2, 3, 4), dt),
                arr(rng, (2, 3, 4), dt)), desc='all-dims'),
        Sample((arr(rng, (0, 4), dt), (4,), arr(rng, (4,), dt), arr(rng, (4,), dt)),
               desc='empty'),
    ]


def _ln_bias_only(rng, dt):
    return [Sample((arr(rng, (3, 4), dt), (4,), None, arr(rng, (4,), dt)), desc='bias-only')]


def _native_ln(rng, dt):
    return [Sample((arr(rng, (2, 3, 4), dt), [4], arr(rng, (4,), dt), arr(rng, (4,), dt),
                    1e-5), desc='affine'),
            Sample((arr(rng, (2, 3, 4), dt), [3, 4], None, None, 1e-5), desc='plain')]


def _gn_samples(rng, dt):
    return [
        Sample((arr(rng, (2, 6, 5), dt), 3, arr(rng, (6,), dt), arr(rng, (6,), dt)),
               desc='3groups'),
        Sample((arr(rng, (0, 4, 3), dt), 2, arr(rng, (4,), dt), arr(rng, (4,), dt)),
               desc='empty'),
        Sample((arr(rng, (3, 4, 2, 3), dt, noncontig=True), 2, arr(rng, (4,), dt),
                arr(rng, (4,), dt)), desc='4d-noncontig'),
        Sample((arr(rng, (2, 4, 3), dt), 4), desc='instance-like-noaffine'),
        Sample((arr(rng, (2, 4, 3), dt), 1, arr(rng, (4,), dt)), desc='layer-like-weight'),
        Sample((arr(rng, (1, 6), dt), 3, arr(rng, (6,), dt), arr(rng, (6,), dt), 1e-3),
               desc='2d-eps'),
        Sample((arr(rng, (1, 4, 2, 2, 2), dt), 2, arr(rng, (4,), dt), arr(rng, (4,), dt)),
               desc='5d-batch1'),
    ]


def _native_gn(rng, dt):
    return [Sample((arr(rng, (2, 6, 5), dt), arr(rng, (6,), dt), arr(rng, (6,), dt), 2, 6, 5,
                    3, 1e-5), desc='affine')]


def _rms_samples(rng, dt):
    return [Sample((arr(rng, (4, 5), dt), (5,), arr(rng, (5,), dt)), desc='weight'),
            Sample((arr(rng, (2, 3, 4), dt), [3, 4]), desc='noweight'),
            Sample((arr(rng, (3, 4), dt), [4], arr(rng, (4,), dt), 1e-3), desc='eps')]


def _lrn_samples(rng, dt):
    return [Sample((arr(rng, (2, 5, 4), dt), 2), desc='3d-size2'),
            Sample((arr(rng, (2, 6, 3, 3), dt), 3), dict(alpha=0.1, beta=0.5, k=2.),
                   desc='4d-size3'),
            Sample((arr(rng, (1, 4, 2, 2, 2), dt), 5), dict(alpha=1e-2), desc='5d-size5'),
            Sample((arr(rng, (2, 1, 3), dt), 1), desc='1channel')]


def _normalize_samples(rng, dt):
    return [Sample((arr(rng, (3, 4), dt),), desc='default'),
            Sample((arr(rng, (2, 3, 4), dt),), dict(p=1.0, dim=-1), desc='p1-last'),
            Sample((arr(rng, (2, 3, 4), dt), 3.0, 0), desc='p3-dim0'),
            Sample((arr(rng, (4,), dt),), dict(dim=0), desc='1d')]


def _normalize_tiny(rng, dt):
    return [Sample((arr(rng, (2, 3), dt) * 1e-14,), dict(eps=1e-12), desc='eps-clamped')]


OPS = [
    Op('F.batch_norm', _bn_samples, call=_bn_call, nondiff_outputs=(1, 2)),
    Op('F.batch_norm_no_gradgrad', _bn_no_gradgrad, call=_bn_call, nondiff_outputs=(1, 2),
       gradgrad=False, covers=('F.batch_norm',)),
    Op('batch_norm', _bn_top, call=_bn_top_call, nondiff_outputs=(1, 2)),
    Op('native_batch_norm', _bn_top, call=_native_bn_call, nondiff_outputs=(1, 2, 3, 4)),
    Op('F.instance_norm', _in_samples, call=_in_call, nondiff_outputs=(1, 2)),
    Op('instance_norm', _in_top, call=_in_top_call, nondiff_outputs=(1, 2)),
    Op('layer_norm', _ln_samples, covers=('F.layer_norm',)),
    Op('layer_norm_bias_only', _ln_bias_only, call=lambda lib, *a: lib.layer_norm(*a),
       gradgrad=False, covers=('layer_norm',)),
    Op('native_layer_norm', _native_ln, nondiff_outputs=(1, 2)),
    Op('group_norm', _gn_samples, covers=('F.group_norm',)),
    Op('native_group_norm', _native_gn, nondiff_outputs=(1, 2)),
    Op('rms_norm', _rms_samples, covers=('F.rms_norm',)),
    Op('F.local_response_norm', _lrn_samples, call=_F('local_response_norm')),
    Op('F.normalize', _normalize_samples, call=_F('normalize')),
    # finite differences cannot see a norm below eps (the inputs are far below the step)
    Op('F.normalize_tiny', _normalize_tiny, call=_F('normalize'), gradcheck=False,
       covers=('F.normalize',)),
]
